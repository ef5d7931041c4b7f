using TorchSharp;
using static TorchSharp.torch;

namespace MlNetTriplet.Training;

/// <summary>Maps the <see cref="NetworkTrainingOptions.Device"/> string to a TorchSharp device.</summary>
internal static class Devices
{
    /// <summary>Training asked for CUDA must get it: silently training on the CPU instead would be a surprise.</summary>
    public static Device ForTraining(string device)
    {
        if (IsCuda(device) && !cuda.is_available())
            throw new InvalidOperationException(
                $"Device '{device}' was asked for, but CUDA is not available: reference a TorchSharp CUDA backend package (and have an NVIDIA driver), or set Device = \"cpu\".");
        return torch.device(device);
    }

    /// <summary>A model trained on a GPU still loads and predicts on a machine without one.</summary>
    public static Device ForInference(string device) => IsCuda(device) && !cuda.is_available() ? CPU : torch.device(device);

    /// <summary>The device strings the options accept: TorchSharp ships CPU and CUDA backends only.</summary>
    public static bool IsKnown(string? device) =>
        device is not null && System.Text.RegularExpressions.Regex.IsMatch(device, "^(cpu|cuda(:[0-9]+)?)$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private static bool IsCuda(string device) => device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase);
}
