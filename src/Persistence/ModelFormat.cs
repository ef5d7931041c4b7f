using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetTriplet.Training;
using TorchSharp;

namespace MlNetTriplet.Persistence;

/// <summary>How one transformer is stored inside an ML.NET model zip, the one path every transformer of the package
/// saves and loads through: ML.NET's version header (an 8-character model signature and the loader signature that
/// finds the type again), a JSON description, the transformer's extra fields, then named binary streams (network
/// weights in TorchSharp's format, a projection), each preceded in the main stream by its SHA-256.</summary>
/// <param name="modelSignature">The 8-character signature ML.NET writes in the header.</param>
/// <param name="loaderSignature">The signature under which the transformer's <c>LoadableClass</c> is registered.</param>
/// <param name="what">What the transformer is, for messages ("CNN classifier").</param>
/// <param name="current">The version this package writes: <see cref="Checksummed"/> unless the transformer's
/// description has grown past it (older packages then say they are too old instead of misreading it).</param>
internal sealed class ModelFormat(string modelSignature, string loaderSignature, string what, uint current = ModelFormat.Checksummed)
{
    // 0x00010001: description JSON, extra fields, binary streams.
    // 0x00010002: each binary stream's SHA-256 in the main stream, checked on load (edited weights no longer load
    //             silently). Version 0x00010001 zips still load, unchecked.
    // 0x00010003 (triplet embedding only): the description holds a pretrained backbone and an embedding head instead
    //             of a CNN or MLP (photo embeddings); earlier zips still load.
    public const uint Checksummed = 0x00010002, PhotoEmbeddings = 0x00010003;
    private const uint FirstWithChecksums = Checksummed, Oldest = 0x00010001;
    private const string NetworkStream = "Network.bin";

    internal static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    /// <summary>What the transformer is, for messages.</summary>
    public string What => what;

    private VersionInfo Version => new(modelSignature, verWrittenCur: current, verReadableCur: current,
        verWeCanReadBack: Oldest, loaderSignature: loaderSignature,
        loaderAssemblyName: typeof(ModelFormat).Assembly.GetName().Name);

    /// <summary>Writes the header, the description, <paramref name="writeExtra"/>'s fields and one binary stream.</summary>
    public void Save<TDescription>(ModelSaveContext ctx, TDescription description, Action<BinaryWriter>? writeExtra,
        string streamName, Action<BinaryWriter> writeStream)
    {
        ctx.CheckAtModel();
        ctx.SetVersionInfo(Version);
        ctx.Writer.Write(JsonSerializer.Serialize(description, Json));
        writeExtra?.Invoke(ctx.Writer);
        using var content = new MemoryStream();
        using (var writer = new BinaryWriter(content, System.Text.Encoding.UTF8, leaveOpen: true))
            writeStream(writer);
        ctx.Writer.Write(SHA256.HashData(content.GetBuffer().AsSpan(0, (int)content.Length)));
        ctx.SaveBinaryStream(streamName, w => w.Write(content.GetBuffer(), 0, (int)content.Length));
    }

    /// <summary>Saves a network transformer: description, extra fields, the weights as <c>Network.bin</c>.</summary>
    public void SaveNetwork<TDescription>(ModelSaveContext ctx, TDescription description, torch.nn.Module network,
        Action<BinaryWriter>? writeExtra = null) =>
        Save(ctx, description, writeExtra, NetworkStream, w => network.save(w));

    /// <summary>Saves a transformer built on another one: the header, the description, then <paramref name="inner"/>
    /// as a sub-model named <paramref name="name"/>, written by its own format (with its own checksums).</summary>
    public void SaveWithInner<TDescription>(ModelSaveContext ctx, TDescription description, string name, ICanSaveModel inner)
    {
        ctx.CheckAtModel();
        ctx.SetVersionInfo(Version);
        ctx.Writer.Write(JsonSerializer.Serialize(description, Json));
        ctx.SaveModel(inner, name);
    }

    /// <summary>Loads the sub-model <see cref="SaveWithInner"/> wrote under <paramref name="name"/>; a missing or
    /// unreadable one (<paramref name="content"/> names it) is reported as a corrupt model, with its own cause.</summary>
    public BatchedTransformer LoadInner(IHostEnvironment env, ModelLoadContext ctx, string name, string content)
    {
        BatchedTransformer? inner;
        try
        {
            ctx.LoadModelOrNull<BatchedTransformer, SignatureLoadModel>(env, out inner, name);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Corrupt($"{content} ({name}) cannot be read: {Innermost(e).Message}", e);
        }
        return inner switch
        {
            null => throw Corrupt($"{content} ({name}) is missing."),
            FailedModel failed => throw Corrupt($"{content} ({name}) cannot be read: {failed.Failure().Message}", failed.Failure()),
            _ => inner,
        };
    }

    /// <summary>Checks the version (with a clear message for models from a newer package) and reads the description.</summary>
    public TDescription LoadDescription<TDescription>(ModelLoadContext ctx)
    {
        if (ctx.Header.ModelVerReadable > current)
            throw new InvalidDataException(
                $"This {what} was saved by a newer MlNetTriplet (model format 0x{ctx.Header.ModelVerWritten:X8}, readable from 0x{ctx.Header.ModelVerReadable:X8}); this package reads formats up to 0x{current:X8}. Upgrade the MlNetTriplet package.");
        ctx.CheckAtModel(Version);
        try
        {
            var description = JsonSerializer.Deserialize<TDescription>(ctx.Reader.ReadString(), Json)
                              ?? throw new InvalidDataException("empty description");
            (description as ISavedOptions)?.Check();
            return description;
        }
        catch (ArgumentException e)
        {
            throw Corrupt(e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "") : e.Message, e);
        }
        catch (Exception e) when (e is JsonException or EndOfStreamException or InvalidDataException)
        {
            throw Corrupt(e.Message, e);
        }
    }

    /// <summary>Reads binary stream <paramref name="streamName"/> after checking it against its recorded SHA-256; a
    /// missing, edited or unreadable stream is reported as a corrupt model, with <paramref name="content"/> named.</summary>
    public T LoadStream<T>(ModelLoadContext ctx, string streamName, Func<BinaryReader, T> read, string content)
    {
        byte[]? expected = ctx.Header.ModelVerWritten >= FirstWithChecksums ? ctx.Reader.ReadBytes(32) : null;
        byte[]? bytes = null;
        if (!ctx.TryLoadBinaryStream(streamName, r =>
            {
                using var copy = new MemoryStream();
                r.BaseStream.CopyTo(copy);
                bytes = copy.ToArray();
            }))
            throw Corrupt($"{content} ({streamName}) are missing.");
        if (expected is not null && (expected.Length != 32 || !SHA256.HashData(bytes!).AsSpan().SequenceEqual(expected)))
            throw Corrupt($"{content} ({streamName}) do not match the checksum saved with them: the file was damaged or edited after saving.");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes!));
            return read(reader);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Corrupt($"{content} ({streamName}) cannot be read: {Innermost(e).Message}", e);
        }
    }

    /// <summary>Loads <c>Network.bin</c> into <paramref name="network"/> and moves it to the device it ran on (the CPU
    /// when that device is not available here).</summary>
    public TModule LoadNetwork<TModule>(ModelLoadContext ctx, TModule network, string device) where TModule : torch.nn.Module
    {
        LoadStream(ctx, NetworkStream, r => network.load(r), "the network weights");
        network.to(Devices.ForInference(device));
        return network;
    }

    /// <summary>TorchSharp and ML.NET report some failures through reflection: the useful message is the innermost one.</summary>
    private static Exception Innermost(Exception e) =>
        e is TargetInvocationException { InnerException: { } inner } ? Innermost(inner) : e;

    private InvalidDataException Corrupt(string message, Exception? inner = null) =>
        new($"The {what} in this model zip is corrupt: {message}", inner);
}
