using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MlNetTriplet.Data;
using MlNetTriplet.Persistence;

namespace MlNetTriplet;

/// <summary>Adds class activation maps of a fitted classifier: nothing to train, so <see cref="Fit"/> checks the data's
/// schema and returns the <see cref="ClassActivationMapTransformer"/> made when the estimator was created (options and
/// classifier were checked then, before any row is read). Create it with
/// <c>mlContext.Transforms.ClassActivationMaps(...)</c>.</summary>
public sealed class ClassActivationMapEstimator : IEstimator<ClassActivationMapTransformer>
{
    private readonly ClassActivationMapTransformer _transformer;

    /// <exception cref="ArgumentException">See <see cref="Microsoft.ML.ClassActivationMapCatalogExtensions"/>.</exception>
    internal ClassActivationMapEstimator(IHostEnvironment env, ITransformer classifier, ClassActivationMapOptions options)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Clone();
        o.Validate();
        var found = Find(classifier) ?? throw new ArgumentException(
            $"Class activation maps explain a fitted CnnClassifierTransformer or TransferLearningTransformer, or a pipeline holding one; got {classifier.GetType().Name}.",
            nameof(classifier));
        var description = ClassActivationMapTransformer.Description.From(o, found.SharedMapping.BatchSize);
        ClassActivationMapTransformer.Plan.Make(description, found);
        var copy = (NetworkTransformer)TransformerCopy.Of(env, found);
        try
        {
            _transformer = new ClassActivationMapTransformer(description, copy);
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    /// <summary>Checks that <paramref name="input"/> has the classifier's input column, of a type it reads, and returns
    /// the transformer.</summary>
    public ClassActivationMapTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _transformer.GetOutputSchema(input.Schema);
        return _transformer;
    }

    /// <summary>The input schema plus the added columns; throws when the classifier's input column is missing.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.FindColumn(inputSchema, _transformer.InputColumnName, "image");
        var columns = inputSchema.ToDictionary(c => c.Name);
        var empty = new SchemaShape([]);
        void Add(string? name, SchemaShape.Column.VectorKind kind, DataViewType type, bool isKey)
        {
            if (name is not null)
                columns[name] = new SchemaShape.Column(name, kind, type, isKey, empty);
        }
        Add(_transformer.OutputColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        Add(_transformer.ExplainedLabelColumnName, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true);
        Add(_transformer.BoxColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        Add(_transformer.PreparedImageColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }

    /// <summary>The classifier itself, or the last one a fitted pipeline holds.</summary>
    private static NetworkTransformer? Find(ITransformer model) => model switch
    {
        CnnClassifierTransformer or TransferLearningTransformer => (NetworkTransformer)model,
        IEnumerable<ITransformer> chain => chain.Select(Find).LastOrDefault(t => t is not null),
        _ => null,
    };
}
