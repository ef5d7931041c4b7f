using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MlNetTriplet.Backbones;

/// <summary>Reads and writes state_dict files (name → tensor): PyTorch's <c>torch.save</c> zip (.pt, .pth, .bin)
/// and safetensors through TorchSharp.PyBridge, TorchSharp's own format (.dat, <c>Module.save</c>) directly.</summary>
internal static class WeightFiles
{
    private static readonly string[] PyTorchExtensions = [".pt", ".pth", ".bin"];
    private const string SafetensorsExtension = ".safetensors", TorchSharpExtension = ".dat";

    public static string Supported =>
        $"{string.Join(", ", PyTorchExtensions)} (PyTorch torch.save of a state_dict), {SafetensorsExtension}, {TorchSharpExtension} (TorchSharp Module.save)";

    /// <summary>Throws when <paramref name="path"/> does not exist or has no supported extension.</summary>
    public static void CheckPath(string path, string parameter)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        if (Format(path) is null)
            throw new ArgumentException(
                $"Weights file '{path}' has an unknown extension '{Path.GetExtension(path)}': expected {Supported}.", parameter);
    }

    /// <summary>All tensors of the file; anything unreadable (truncated, corrupt, another format) fails naming it.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        string format = Format(path) ?? throw new ArgumentException($"Unknown weights file extension: '{path}'.", nameof(path));
        try
        {
            return format switch
            {
                SafetensorsExtension => Safetensors.LoadStateDict(path),
                TorchSharpExtension => ReadTorchSharp(path),
                _ => ReadPyTorch(path),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidDataException($"Cannot read weights file '{path}': it is damaged or not {Describe(format)} ({e.Message}).", e);
        }
    }

    /// <summary>Writes <paramref name="tensors"/> as a PyTorch state_dict file that <c>torch.load</c> reads.</summary>
    public static void WritePyTorch(string path, IDictionary<string, Tensor> tensors)
    {
        using var scope = NewDisposeScope();
        var cpu = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in tensors)
            cpu[name] = t.device_type == DeviceType.CPU ? t : t.cpu();
        PyTorchPickler.PickleStateDict(path, cpu);
    }

    private static string? Format(string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return PyTorchExtensions.Contains(extension) || extension is SafetensorsExtension or TorchSharpExtension
            ? extension : null;
    }

    private static string Describe(string format) => format switch
    {
        SafetensorsExtension => "a safetensors file",
        TorchSharpExtension => "a TorchSharp state_dict (Module.save)",
        _ => "a PyTorch checkpoint (torch.save of a state_dict, zip format)",
    };

    /// <summary>A torch.save'd dictionary of tensors; a training checkpoint that nests it under "state_dict" or
    /// "model" is unwrapped.</summary>
    private static Dictionary<string, Tensor> ReadPyTorch(string path)
    {
        IDictionary entries = PyTorchUnpickler.UnpickleStateDict(path);
        if (entries.Values.Cast<object?>().Any(v => v is not Tensor)
            && (entries["state_dict"] ?? entries["model"]) is IDictionary nested)
            entries = nested;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in entries)
            tensors[$"{entry.Key}"] = entry.Value as Tensor ?? throw new InvalidDataException(
                $"entry '{entry.Key}' is a {entry.Value?.GetType().Name ?? "null"}, not a tensor: save model.state_dict(), a dictionary of tensors.");
        return tensors;
    }

    /// <summary>TorchSharp's format: a LEB128 count, then per tensor its name (BinaryWriter string) and the tensor.</summary>
    private static Dictionary<string, Tensor> ReadTorchSharp(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        long count = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = reader.ReadByte();
            count |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                break;
            if (shift > 56)
                throw new InvalidDataException("the tensor count is not a valid LEB128 number");
        }
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            for (long i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                tensors[name] = TensorExtensionMethods.Load(reader);
            }
            if (reader.BaseStream.Position != reader.BaseStream.Length)
                throw new InvalidDataException($"{reader.BaseStream.Length - reader.BaseStream.Position} bytes follow the {count} tensors");
            return tensors;
        }
        catch
        {
            foreach (var t in tensors.Values)
                t.Dispose();
            throw;
        }
    }
}
