using MlNetTriplet.Checks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using MlNetTriplet.Explain;
using MlNetTriplet.Data;
using MlNetTriplet.Export;
using MlNetTriplet.Persistence;
using MlNetTriplet.Transforms;

namespace MlNetTriplet;

/// <summary>Class activation maps of a fitted classifier of this package (the CNN classifier, the transfer-learning
/// classifier). <see cref="BatchedTransformer.Transform"/> reads the classifier's own input column and adds the map
/// (<c>Vector&lt;Single, H*W&gt;</c> at the network input's resolution, in [0, 1]) and the explained class (a key with
/// the label values), optionally the box of the map's main region and the prepared image, computed lazily in batches.
/// Holds its own copy of the classifier: saved and loaded with the pipeline, it needs nothing else. Create it with
/// <c>mlContext.Transforms.ClassActivationMaps(...)</c>.</summary>
public sealed class ClassActivationMapTransformer : BatchedTransformer, IDisposable
{
    private const string ClassifierModel = "Classifier";
    private static readonly ModelFormat Format = ModelFormats.ClassActivationMap;

    private readonly Description _description;
    private readonly NetworkTransformer _classifier;
    private readonly ExplainedNetwork _network;

    /// <summary>Builds the transformer on <paramref name="classifier"/>, which it then owns.</summary>
    /// <exception cref="ArgumentException">The method cannot read this network at this block, the block or the target
    /// class does not exist (the message names the option and lists what does).</exception>
    internal ClassActivationMapTransformer(Description description, NetworkTransformer classifier)
    {
        var plan = Plan.Make(description, classifier);
        _description = description;
        _classifier = classifier;
        _network = plan.Network;
        var shape = _network.InputShape;
        var runner = new ClassActivationMapRunner(_network, ClassActivationMap.For(description.Method, description.BatchSize),
            plan.Layer, description.TargetKind, plan.ClassIndex, description.BoxColumnName is null ? null : description.BoxThreshold,
            description.PreparedImageColumnName is not null);
        Mapping = new BatchedMapping(classifier.SharedMapping.Input, runner, Outputs(description, plan, runner, shape),
            description.BatchSize);
        LayerName = _network.LayerNames[plan.Layer];
    }

    /// <summary>What is persisted besides the classifier.</summary>
    internal sealed record Description(CamMethod Method, CamTargetKind TargetKind, string? TargetLabel, string? LayerName,
        string OutputColumnName, string ExplainedLabelColumnName, string? BoxColumnName, float BoxThreshold,
        string? PreparedImageColumnName, int BatchSize) : ISavedOptions
    {
        public static Description From(ClassActivationMapOptions o, int batchSize) =>
            new(o.Method, o.Target.Kind, o.Target.Label, o.LayerName, o.OutputColumnName, o.ExplainedLabelColumnName,
                o.BoxColumnName, o.BoxThreshold, o.PreparedImageColumnName, o.BatchSize ?? batchSize);

        /// <summary>The saved values, checked as the options they came from.</summary>
        public void Check() => new ClassActivationMapOptions
        {
            Method = Method, Target = CamTarget.PredictedClass, LayerName = LayerName, OutputColumnName = OutputColumnName,
            ExplainedLabelColumnName = ExplainedLabelColumnName, BoxColumnName = BoxColumnName, BoxThreshold = BoxThreshold,
            PreparedImageColumnName = PreparedImageColumnName, BatchSize = BatchSize,
        }.Validate();
    }

    private protected override BatchedMapping Mapping { get; }

    /// <summary>The method.</summary>
    public CamMethod Method => _description.Method;

    /// <summary>What the maps explain.</summary>
    public CamTarget Target => CamTarget.From(_description.TargetKind, _description.TargetLabel);

    /// <summary>The block whose feature maps are read.</summary>
    public string LayerName { get; }

    /// <summary>The blocks a map can be read at (see <see cref="ClassActivationMapOptions.LayerName"/>).</summary>
    public IReadOnlyList<string> LayerNames => _network.LayerNames;

    /// <summary>Shape of one map: 1 x H x W, the height and width of the network input.</summary>
    public ImageShape MapShape => new(1, _network.InputShape.Height, _network.InputShape.Width);

    /// <summary>Name of the input column the classifier (and so this transformer) reads.</summary>
    public string InputColumnName => Mapping.Input.Name;

    /// <summary>Name of the map column.</summary>
    public string OutputColumnName => _description.OutputColumnName;

    /// <summary>Name of the explained class column.</summary>
    public string ExplainedLabelColumnName => _description.ExplainedLabelColumnName;

    /// <summary>Name of the box column, or null when none is added.</summary>
    public string? BoxColumnName => _description.BoxColumnName;

    /// <summary>Name of the prepared image column, or null when none is added.</summary>
    public string? PreparedImageColumnName => _description.PreparedImageColumnName;

    /// <summary>Frees the copy of the classifier's network.</summary>
    public void Dispose() => _classifier.Dispose();

    private static List<OutputColumn> Outputs(Description d, Plan plan, ClassActivationMapRunner runner, ImageShape shape)
    {
        var mapAnnotations = new DataViewSchema.Annotations.Builder();
        new ImageShape(1, shape.Height, shape.Width).AddTo(mapAnnotations);
        int classOffset = runner.ClassOffset;
        var outputs = new List<OutputColumn>
        {
            OutputColumn.Vector(d.OutputColumnName, shape.Height * shape.Width, mapAnnotations.ToAnnotations()),
            new(d.ExplainedLabelColumnName, plan.Labels.Type, plan.Labels.Annotations,
                row => (ValueGetter<uint>)((ref uint dst) => dst = (uint)row.Output[classOffset] + 1)),
        };
        if (d.BoxColumnName is { } box)
            outputs.Add(OutputColumn.Vector(box, ActivationBox.Size, DataViewSchema.Annotations.Empty, runner.BoxOffset));
        if (d.PreparedImageColumnName is { } image)
        {
            var imageAnnotations = new DataViewSchema.Annotations.Builder();
            shape.AddTo(imageAnnotations);
            outputs.Add(OutputColumn.Vector(image, shape.Size, imageAnnotations.ToAnnotations(), runner.ImageOffset));
        }
        return outputs;
    }

    internal override void SaveAsOnnx(OnnxContext ctx, IDataView source) => throw OnnxSteps.NotExportable(
        $"The class activation maps '{OutputColumnName}' ({Method})",
        "they are computed from the classifier's gradients or repeated masked forward passes and then upsampled, outside a single inference graph.");

    private protected override void SaveModel(ModelSaveContext ctx) =>
        Format.SaveWithInner(ctx, _description, ClassifierModel, _classifier);

    private static BatchedTransformer Create(IHostEnvironment env, ModelLoadContext ctx) => FailedModel.LoadOrFail(ctx, () =>
    {
        var d = Format.LoadDescription<Description>(ctx);
        var classifier = Format.LoadInner(env, ctx, ClassifierModel, "the classifier the maps explain");
        try
        {
            return new ClassActivationMapTransformer(d, (NetworkTransformer)classifier);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException)
        {
            ((IDisposable)classifier).Dispose();
            throw new InvalidDataException($"The {Format.What} in this model zip is corrupt: {e.Message}", e);
        }
    });

    /// <summary>The description checked against a classifier: its network split at the block, the class a named
    /// target stands for, and the classifier's label column type and values (for the explained class column).</summary>
    internal sealed record Plan(ExplainedNetwork Network, int Layer, int ClassIndex, OutputColumn Labels)
    {
        /// <exception cref="ArgumentException">See the transformer's constructor.</exception>
        public static Plan Make(Description d, BatchedTransformer classifier)
        {
            var network = ExplainedNetwork.Of(classifier, nameof(classifier));
            int layer = network.LayerIndex(d.LayerName, nameof(ClassActivationMapOptions.LayerName));
            ClassActivationMap.For(d.Method, d.BatchSize).Check(network, layer, nameof(ClassActivationMapOptions.LayerName));
            var labels = classifier.SharedMapping.Outputs.Single(o => o.Name == DefaultColumnNames.PredictedLabel);
            int classIndex = d.TargetLabel is null ? 0 : IndexOfClass(d.TargetLabel, labels);
            return new Plan(network, layer, classIndex, labels);
        }

        /// <summary>The index of the class whose label value reads <paramref name="label"/>; a classifier trained on a
        /// key without values names its classes "1".."K" (the key values).</summary>
        private static int IndexOfClass(string label, OutputColumn predicted)
        {
            var builder = new DataViewSchema.Builder();
            builder.AddColumn(predicted.Name, predicted.Type, predicted.Annotations);
            int count = (int)((KeyDataViewType)predicted.Type).Count;
            var names = KeyValues.FromColumn(builder.ToSchema()[0])?.AsText().Select(m => m.ToString()).ToArray()
                        ?? Enumerable.Range(1, count).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            int index = Array.IndexOf(names, label);
            return index >= 0 ? index : throw new ArgumentException(
                $"Option Target names class '{label}', which the classifier does not have; its classes are {string.Join(", ", names.Select(n => $"'{n}'"))}.",
                nameof(ClassActivationMapOptions.Target));
        }
    }
}
