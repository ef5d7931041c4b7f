using Microsoft.ML.Data;
using MlNetTriplet;

namespace Microsoft.ML;

/// <summary>Class activation maps on <c>mlContext.Transforms</c>. The first parameter after the catalog is a fitted
/// classifier of this package, so no transform of Microsoft's packages can have the same signature.</summary>
public static class ClassActivationMapCatalogExtensions
{
    /// <summary>Class activation maps of <paramref name="classifier"/>'s predicted class, with default options except
    /// the method and the map column.</summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    /// <param name="classifier">A fitted <see cref="CnnClassifierTransformer"/> or <see cref="TransferLearningTransformer"/>,
    /// or a fitted pipeline holding one (the last one is explained).</param>
    /// <param name="method">How feature maps are weighed.</param>
    /// <param name="outputColumnName">The map column to add.</param>
    /// <exception cref="ArgumentException">See the options overload.</exception>
    public static ClassActivationMapEstimator ClassActivationMaps(this TransformsCatalog catalog, ITransformer classifier,
        CamMethod method = CamMethod.GradCam, string outputColumnName = "ActivationMap") =>
        catalog.ClassActivationMaps(classifier, new ClassActivationMapOptions { Method = method, OutputColumnName = outputColumnName });

    /// <summary>Class activation maps of <paramref name="classifier"/>: a map per row (the network input's height and
    /// width, values in [0, 1]) and the explained class, optionally the box of the map's main region and the prepared
    /// image. The transformer reads the classifier's input column and keeps its own copy of the network.</summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    /// <param name="classifier">A fitted <see cref="CnnClassifierTransformer"/> or <see cref="TransferLearningTransformer"/>,
    /// or a fitted pipeline holding one (the last one is explained).</param>
    /// <param name="options">Method, target, block and columns.</param>
    /// <exception cref="ArgumentException">No such classifier; an option out of range; <see cref="CamMethod.Cam"/> on
    /// a network without a global-average-pool head or at another block than the last; a block or target class the
    /// network does not have. Each message names the option.</exception>
    public static ClassActivationMapEstimator ClassActivationMaps(this TransformsCatalog catalog, ITransformer classifier,
        ClassActivationMapOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ClassActivationMapEstimator(catalog.GetEnvironment(), classifier, options);
    }
}
