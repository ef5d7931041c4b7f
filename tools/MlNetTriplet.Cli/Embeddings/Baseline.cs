using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Cli.Running;

namespace MlNetTriplet.Cli.Embeddings;

/// <summary>What the trained embedding has to beat, measured the same way on the same test rows: the raw pixels for the
/// CNN; for photos, the ImageNet ResNet-18's own pooled features, untrained on this data (metric-learning papers'
/// baseline).</summary>
/// <param name="Name">What the figures are of, for the report ("raw pixels", ...).</param>
/// <param name="Metrics">Their retrieval metrics (Euclidean).</param>
/// <param name="Cosine">For photos, the same features by cosine distance: normalising them alone gains a few points, so
/// this is the fair baseline for the L2-normalised embeddings; null for pixels.</param>
internal sealed record Baseline(string Name, EmbeddingMetrics Metrics, EmbeddingMetrics? Cosine = null)
{
    private const string BackboneFeaturesColumn = "BackboneFeatures";

    /// <summary>Measures the baseline of <paramref name="data"/>'s network on its test rows.</summary>
    /// <param name="run">The run.</param>
    /// <param name="data">The images.</param>
    /// <param name="referencePixels">Training rows the pixels' k-NN vote uses (the embedding's vote uses the same rows),
    /// or null for leave-one-out.</param>
    public static Baseline Measure(RunContext run, EmbeddingData data, IDataView? referencePixels)
    {
        var ml = run.Ml;
        if (data.Network == EmbeddingNetwork.Cnn)
            return new Baseline("raw pixels",
                ml.Embeddings().Evaluate(data.Test, EmbeddingData.FeaturesColumn, EmbeddingData.ClassColumn, referencePixels));
        using var backbone = PooledFeatures(ml, data, run.Settings.Seed);
        // Cached: both distances read the same features, one ResNet-18 pass per test photo.
        var features = ml.Data.Cache(backbone.Transform(data.Test));
        return new Baseline("ResNet-18 features",
            ml.Embeddings().Evaluate(features, BackboneFeaturesColumn, EmbeddingData.ClassColumn),
            ml.Embeddings().Evaluate(features, BackboneFeaturesColumn, EmbeddingData.ClassColumn,
                options: new EmbeddingEvaluationOptions { Distance = DistanceMetric.Cosine }));
    }

    /// <summary>The ResNet-18's pooled features, from transfer learning's <c>FeaturesColumnName</c>. A transformer comes
    /// from a fit, so its classifier head is fitted, frozen, on two photos of each of two training classes; the
    /// features do not depend on it.</summary>
    private static TransferLearningTransformer PooledFeatures(MLContext ml, EmbeddingData data, int seed)
    {
        var photos = data.Train.GetColumn<string>(EmbeddingData.PathColumn)
            .Zip(data.Train.GetColumn<string>(EmbeddingData.ClassColumn), (path, name) => new Photo { ImagePath = path, Label = name })
            .GroupBy(p => p.Label).Take(2).SelectMany(g => g.Take(2)).ToList();
        var few = ml.Data.LoadFromEnumerable(photos);
        var keyed = ml.Transforms.Conversion.MapValueToKey(EmbeddingData.KeyColumn, "Label").Fit(few).Transform(few);
        return ml.MulticlassClassification.Trainers.TransferLearning(new TransferLearningTrainer.Options
        {
            ImageColumnName = EmbeddingData.PathColumn, LabelColumnName = EmbeddingData.KeyColumn, Mode = TransferMode.FrozenBackbone,
            NumberOfEpochs = 1, BatchSize = photos.Count, FeaturesColumnName = BackboneFeaturesColumn, Seed = seed,
        }).Fit(keyed);
    }

    private sealed class Photo
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }
}
