using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MlNetTriplet.Training;

/// <summary>Progress of a training run that a checkpoint carries across processes.</summary>
internal sealed class TrainingState
{
    public List<EpochMetrics> Epochs { get; set; } = [];
    public int BestEpoch { get; set; }
    public double BestScore { get; set; }
}

/// <summary>A folder holding the model, optimiser state, best weights and history after the last finished epoch.
/// Each file is written beside and moved into place, so a run killed mid-save leaves the previous checkpoint.</summary>
internal sealed class Checkpoint(string directory)
{
    private const string ModelFile = "model.bin", OptimizerFile = "optimizer.bin", BestFile = "best.bin",
        StateFile = "state.json";

    public bool Exists => File.Exists(Path.Combine(directory, StateFile));

    public void Save(nn.Module model, OptimizerHelper optimizer, TrainingState state, WeightSnapshot best)
    {
        Directory.CreateDirectory(directory);
        Write(ModelFile, w => model.save(w));
        Write(OptimizerFile, optimizer.save_state_dict);
        if (!best.IsEmpty)
            Write(BestFile, best.Save);
        // The state goes last: it marks the checkpoint complete.
        string temp = Path.Combine(directory, StateFile + ".tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(state));
        File.Move(temp, Path.Combine(directory, StateFile), overwrite: true);
    }

    public TrainingState Load(nn.Module model, OptimizerHelper optimizer, WeightSnapshot best)
    {
        try
        {
            var state = JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(Path.Combine(directory, StateFile)))
                        ?? throw new InvalidDataException("empty state");
            Read(ModelFile, r => model.load(r));
            Read(OptimizerFile, optimizer.load_state_dict);
            if (File.Exists(Path.Combine(directory, BestFile)))
                Read(BestFile, best.Load);
            return state;
        }
        catch (Exception e) when (e is IOException or JsonException or ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException(
                $"Cannot resume from checkpoint '{directory}': {e.Message} It may be corrupt, or from another network or options.", e);
        }
    }

    private void Write(string name, Action<BinaryWriter> write)
    {
        string path = Path.Combine(directory, name), temp = path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temp)))
            write(writer);
        File.Move(temp, path, overwrite: true);
    }

    private void Read(string name, Action<BinaryReader> read)
    {
        using var reader = new BinaryReader(File.OpenRead(Path.Combine(directory, name)));
        read(reader);
    }
}
