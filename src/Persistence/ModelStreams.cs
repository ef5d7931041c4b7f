using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using TorchSharp;

namespace MlNetTriplet.Persistence;

/// <summary>The one place that writes and reads MlNetTriplet state inside ML.NET model zips: a versioned header
/// (ML.NET's), a JSON description, and named binary streams (network weights in TorchSharp's format, a projection).</summary>
internal static class ModelStreams
{
    private const string NetworkStream = "Network.bin";

    internal static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    public static void Save<TDescription>(ModelSaveContext ctx, VersionInfo version, TDescription description,
        torch.nn.Module network, Action<BinaryWriter>? writeExtra = null) =>
        Save(ctx, version, description, NetworkStream, w => network.save(w), writeExtra);

    /// <summary>Writes the header, the description, <paramref name="writeExtra"/>'s fields and one binary stream.</summary>
    public static void Save<TDescription>(ModelSaveContext ctx, VersionInfo version, TDescription description,
        string streamName, Action<BinaryWriter> writeStream, Action<BinaryWriter>? writeExtra = null)
    {
        ctx.CheckAtModel();
        ctx.SetVersionInfo(version);
        ctx.Writer.Write(JsonSerializer.Serialize(description, Json));
        writeExtra?.Invoke(ctx.Writer);
        ctx.SaveBinaryStream(streamName, writeStream);
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

    public static void LoadNetwork(ModelLoadContext ctx, torch.nn.Module network, string what) =>
        LoadStream(ctx, NetworkStream, r => network.load(r), "the network weights", what);

    /// <summary>Reads binary stream <paramref name="streamName"/>; a missing or unreadable stream is reported as a
    /// corrupt <paramref name="what"/>.</summary>
    public static T LoadStream<T>(ModelLoadContext ctx, string streamName, Func<BinaryReader, T> read, string content,
        string what)
    {
        try
        {
            T result = default!;
            if (!ctx.TryLoadBinaryStream(streamName, r => result = read(r)))
                throw new InvalidDataException($"{content} ({streamName}) are missing");
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidDataException($"The {what} in this model zip is corrupt: {e.Message}", e);
        }
    }
}
