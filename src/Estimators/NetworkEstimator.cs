using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetTriplet.Data;
using MlNetTriplet.Native;
using MlNetTriplet.Training;
using static TorchSharp.torch;

namespace MlNetTriplet;

/// <summary>Base of the package's network estimators: options are copied and checked when the estimator is made (a
/// later change to the caller's options object cannot slip past the checks), and every <c>Fit</c> starts the same
/// way: data present, validation available when early stopping needs it, the device usable, the seed drawn.</summary>
/// <typeparam name="TOptions">The estimator's options.</typeparam>
/// <typeparam name="TTransformer">The transformer <c>Fit</c> returns.</typeparam>
public abstract class NetworkEstimator<TOptions, TTransformer> : IEstimator<TTransformer>
    where TOptions : NetworkTrainingOptions
    where TTransformer : class, ITransformer
{
    private protected NetworkEstimator(IHostEnvironment env, TOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        Host = env.Register(name);
        TrainerOptions = (TOptions)options.Clone();
        TrainerOptions.Validate();
    }

    private protected IHost Host { get; }

    /// <summary>The estimator's own copy of the options it was made with.</summary>
    private protected TOptions TrainerOptions { get; }

    /// <summary>Trains on <paramref name="input"/>, holding out <see cref="NetworkTrainingOptions.ValidationFraction"/>
    /// for validation when set.</summary>
    public TTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains on <paramref name="trainData"/> and validates after every epoch on
    /// <paramref name="validationData"/> (same schema), for early stopping, the loss curves and the metrics callback.</summary>
    public TTransformer Fit(IDataView trainData, IDataView? validationData)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        // Before the label checks: MapValueToKey fitted on no rows makes a one-value key, which would read as "one class".
        SchemaChecks.CheckNotEmpty(trainData, "Training data");
        if (validationData is not null)
            SchemaChecks.CheckNotEmpty(validationData, "Validation data");
        TrainerOptions.CheckBeforeFit(validationData is not null || TrainerOptions.ValidationFraction > 0);
        LibTorch.EnsureLoaded();
        var device = Devices.ForTraining(TrainerOptions.Device);
        int seed = TrainerOptions.Seed ?? Host.Rand.Next();
        return Fit(trainData, validationData, device, seed);
    }

    /// <summary>A log on a channel of this estimator's host, named <paramref name="channelName"/> (the training loop
    /// reports to one named "Training"); the caller disposes it.</summary>
    private protected HostTrainingLog StartLog(string channelName = "Training") => new(Host, channelName);

    /// <summary>The estimator's own training, after the common checks.</summary>
    private protected abstract TTransformer Fit(IDataView trainData, IDataView? validationData, Device device, int seed);

    /// <summary>The input schema plus the columns the transformer adds; throws when an input column is missing or of
    /// the wrong type.</summary>
    public abstract SchemaShape GetOutputSchema(SchemaShape inputSchema);
}
