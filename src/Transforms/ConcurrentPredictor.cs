using System.Collections.Concurrent;
using Microsoft.ML;

namespace MlNetTriplet;

/// <summary>Single-row predictions that any number of threads may request at once, e.g. from a web server. ML.NET's
/// <see cref="PredictionEngine{TSrc, TDst}"/> is not thread-safe: one engine shared by several threads returns other
/// requests' answers without any error. This predictor keeps a pool of engines over one model and lends each to one
/// thread at a time, so every answer equals what <c>model.Transform</c> gives for that row. Create it with
/// <c>mlContext.Model.CreateConcurrentPredictor&lt;TSrc, TDst&gt;(model)</c>.</summary>
/// <typeparam name="TSrc">The input row class (the model's input columns as properties or fields).</typeparam>
/// <typeparam name="TDst">The output class (the columns to read back, e.g. <c>Score</c> or <c>Embedding</c>).</typeparam>
/// <remarks>The pool grows to the highest number of simultaneous calls and keeps those engines (each holds one row's
/// buffers). The engines do not own the model: disposing the model remains the caller's job, after the last call.
/// This package's networks run one forward pass at a time per model (libtorch already spreads it over the cores), so
/// concurrent calls are safe and correct but take turns inside the network.</remarks>
public sealed class ConcurrentPredictor<TSrc, TDst>
    where TSrc : class
    where TDst : class, new()
{
    private readonly Func<PredictionEngine<TSrc, TDst>> _createEngine;
    private readonly ConcurrentBag<PredictionEngine<TSrc, TDst>> _idle = [];

    internal ConcurrentPredictor(Func<PredictionEngine<TSrc, TDst>> createEngine)
    {
        _createEngine = createEngine;
        // The first engine is made now, so a row class that does not fit the model fails here, not at the first call.
        _idle.Add(createEngine());
    }

    /// <summary>The model's output for <paramref name="example"/>, in a new <typeparamref name="TDst"/>. Safe to call
    /// from any number of threads at once.</summary>
    /// <param name="example">One input row.</param>
    /// <exception cref="ArgumentNullException"><paramref name="example"/> is null.</exception>
    public TDst Predict(TSrc example)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (!_idle.TryTake(out var engine))
            engine = _createEngine();
        var prediction = engine.Predict(example);
        // Back to the pool only after a clean call: an engine a failed row went through is left to the collector.
        _idle.Add(engine);
        return prediction;
    }
}
