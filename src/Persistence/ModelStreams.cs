using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using TorchSharp;

namespace MlNetTriplet.Persistence;

/// <summary>The one place that writes and reads MlNetTriplet state inside ML.NET model zips: a versioned header
/// (ML.NET's), a JSON description, and the network weights as a binary stream in TorchSharp's format.</summary>
internal static class ModelStreams
{
    private const string NetworkStream = "Network.bin";

    internal static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    public static void Save<TDescription>(ModelSaveContext ctx, VersionInfo version, TDescription description,
        torch.nn.Module network, Action<BinaryWriter>? writeExtra = null)
    {
        ctx.CheckAtModel();
        ctx.SetVersionInfo(version);
        ctx.Writer.Write(JsonSerializer.Serialize(description, Json));
        writeExtra?.Invoke(ctx.Writer);
        ctx.SaveBinaryStream(NetworkStream, w => network.save(w));
    }

    /// <summary>Checks the version (with a clear message for models from a newer package) and reads the description.</summary>
    public static TDescription LoadDescription<TDescription>(ModelLoadContext ctx, VersionInfo version, string what)
    {
        if (ctx.Header.ModelVerReadable > version.VerWrittenCur)
            throw new InvalidDataException(
                $"This {what} was saved by a newer MlNetTriplet (model format 0x{ctx.Header.ModelVerWritten:X8}, readable from 0x{ctx.Header.ModelVerReadable:X8}); this package reads formats up to 0x{version.VerWrittenCur:X8}. Upgrade the MlNetTriplet package.");
        ctx.CheckAtModel(version);
        try
        {
            return JsonSerializer.Deserialize<TDescription>(ctx.Reader.ReadString(), Json)
                   ?? throw new InvalidDataException("empty description");
        }
        catch (Exception e) when (e is JsonException or EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"The {what} in this model zip is corrupt: {e.Message}", e);
        }
    }

    public static void LoadNetwork(ModelLoadContext ctx, torch.nn.Module network, string what)
    {
        try
        {
            if (!ctx.TryLoadBinaryStream(NetworkStream, r => network.load(r)))
                throw new InvalidDataException($"the network weights ({NetworkStream}) are missing");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidDataException($"The {what} in this model zip is corrupt: {e.Message}", e);
        }
    }
}
