using MlNetTriplet.Checks;
using MlNetTriplet.Training;

namespace MlNetTriplet.Persistence;

/// <summary>A transformer's saved description, checked when a model zip is loaded: its JSON carries no checksum, so a
/// zip edited by hand or damaged could hold values the transformer cannot work with (an inference batch of 0 rows).
/// Refused on load, naming the option the value came from, instead of failing later with an unrelated error.</summary>
internal interface ISavedOptions
{
    /// <summary>Throws <see cref="ArgumentException"/> (through <see cref="Checks.OptionChecks"/>) naming the first
    /// saved value the transformer cannot work with.</summary>
    void Check();

    /// <summary>The inference settings every network transformer saves: batch size and device.</summary>
    static void CheckInference(OptionChecks check, int inferenceBatchSize, string device)
    {
        check.Accepts(inferenceBatchSize >= 1, nameof(NetworkTrainingOptions.InferenceBatchSize), inferenceBatchSize, "at least 1");
        check.Accepts(Devices.IsKnown(device), nameof(NetworkTrainingOptions.Device), device, "\"cpu\", \"cuda\" or \"cuda:N\"");
    }
}
