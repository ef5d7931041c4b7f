using Microsoft.ML.Data;
using MlNetTriplet;

namespace Microsoft.ML;

/// <summary>MlNetTriplet's multiclass trainers on <c>mlContext.MulticlassClassification.Trainers</c>.</summary>
public static class MulticlassClassificationCatalogExtensions
{
    /// <summary>A convolutional network image classifier with default options except the column names.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key-typed label column.</param>
    /// <param name="featureColumnName"><c>Vector&lt;Single&gt;</c> column of C x H x W images.</param>
    /// <param name="imageShape">Image shape, when the column does not carry it (see <see cref="CnnClassifierTrainer.Options.ImageShape"/>).</param>
    public static CnnClassifierTrainer Cnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", ImageShape? imageShape = null) =>
        catalog.Cnn(new CnnClassifierTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, ImageShape = imageShape,
        });

    /// <summary>A convolutional network image classifier.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="options">Network, training and column options.</param>
    public static CnnClassifierTrainer Cnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        CnnClassifierTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new CnnClassifierTrainer(catalog.GetEnvironment(), options);
    }

    /// <summary>A feed-forward neural network classifier (softmax head) with default options except the column names.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key-typed label column.</param>
    /// <param name="featureColumnName"><c>Vector&lt;Single&gt;</c> feature column.</param>
    public static NeuralNetworkMulticlassTrainer NeuralNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features") =>
        catalog.NeuralNetwork(new NeuralNetworkMulticlassTrainer.Options
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName,
        });

    /// <summary>A feed-forward neural network classifier (softmax head).</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="options">Network, training and column options.</param>
    public static NeuralNetworkMulticlassTrainer NeuralNetwork(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        NeuralNetworkMulticlassTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new NeuralNetworkMulticlassTrainer(catalog.GetEnvironment(), options);
    }

    /// <summary>An image classifier trained on top of a pretrained backbone (transfer learning), with default options
    /// except the column names: the ImageNet ResNet-18 of the <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> package,
    /// frozen, and a new head.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key-typed label column.</param>
    /// <param name="imageColumnName">Photo column: file paths, LoadImages images, or prepared vectors.</param>
    public static TransferLearningTrainer TransferLearning(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string imageColumnName = "ImagePath") =>
        catalog.TransferLearning(new TransferLearningTrainer.Options
        {
            LabelColumnName = labelColumnName, ImageColumnName = imageColumnName,
        });

    /// <summary>An image classifier trained on top of a pretrained backbone (transfer learning): frozen, partly or fully
    /// fine-tuned, on photos streamed from disk.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="options">Backbone, mode, photo and training options.</param>
    public static TransferLearningTrainer TransferLearning(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        TransferLearningTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TransferLearningTrainer(catalog.GetEnvironment(), options);
    }
    /// <summary>A k-nearest-neighbour classifier: <c>Fit</c> keeps the training rows as the gallery (nothing is
    /// trained) and the transformer adds <c>Score</c> (each class's share of the vote of the
    /// <paramref name="neighborCount"/> nearest gallery rows) and <c>PredictedLabel</c>, as ML.NET's multiclass
    /// evaluator reads them, beside the neighbour columns. New classes are added later with
    /// <see cref="NearestNeighborsTransformer.AddToGallery"/>.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Label column: a key (as ML.NET's evaluator needs), text, Boolean or number.</param>
    /// <param name="featureColumnName">The embedding column, a known-size <c>Vector&lt;Single&gt;</c>.</param>
    /// <param name="neighborCount">Neighbours voting (k).</param>
    /// <param name="vote">Majority or distance-weighted vote.</param>
    public static NearestNeighborsEstimator NearestNeighbors(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
        int neighborCount = 10, NeighborVote vote = NeighborVote.Majority) =>
        catalog.NearestNeighbors(new NearestNeighborsOptions
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, NeighborCount = neighborCount, Vote = vote,
        });

    /// <summary>A k-nearest-neighbour classifier with every option of the search transform; the vote is
    /// <see cref="NearestNeighborsOptions.Vote"/>, <see cref="NeighborVote.Majority"/> when not set.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="options">Columns, neighbour count, distance, vote, search mode.</param>
    public static NearestNeighborsEstimator NearestNeighbors(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        NearestNeighborsOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        var voting = options.Clone();
        voting.Vote ??= NeighborVote.Majority;
        return new NearestNeighborsEstimator(catalog.GetEnvironment(), voting);
    }
}
