using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;
using MlNetTriplet.Export;
using MlNetTriplet.Persistence;

namespace MlNetTriplet.Transforms;

/// <summary>The output columns of ML.NET's classifiers, with the annotations its evaluators read, shared by every
/// MlNetTriplet classifier so that <c>mlContext.*Classification.Evaluate</c> works on them unchanged.</summary>
internal static class ClassifierOutputs
{
    /// <summary><c>Score</c> (class probabilities, slot names from the label values) and <c>PredictedLabel</c> (a key
    /// carrying the label values), from an output whose <paramref name="classes"/> values from
    /// <paramref name="offset"/> are already a probability vector (other values may surround them, for other columns).
    /// The predicted class is the first of the highest scores, or what <paramref name="predicted"/> reads from the
    /// row's output (0-based) when given.</summary>
    public static List<OutputColumn> Multiclass(int classes, KeyValues? labelValues, int offset = 0,
        Func<ReadOnlySpan<float>, int>? predicted = null)
    {
        var scoreAnnotations = new DataViewSchema.Annotations.Builder();
        if (labelValues is not null)
        {
            var names = labelValues.AsText();
            scoreAnnotations.AddSlotNames(classes, (ref VBuffer<ReadOnlyMemory<char>> dst) =>
                new VBuffer<ReadOnlyMemory<char>>(names.Length, names).CopyTo(ref dst));
        }
        AddScoreKinds(scoreAnnotations, AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification,
            AnnotationUtils.Const.ScoreValueKind.Score);
        var labelAnnotations = new DataViewSchema.Annotations.Builder();
        labelValues?.AddKeyValuesTo(labelAnnotations);

        return
        [
            OutputColumn.Vector(DefaultColumnNames.Score, classes, scoreAnnotations.ToAnnotations(), offset),
            new OutputColumn(DefaultColumnNames.PredictedLabel, new KeyDataViewType(typeof(uint), classes),
                labelAnnotations.ToAnnotations(),
                row => (ValueGetter<uint>)((ref uint dst) =>
                    dst = (uint)(predicted is null ? ArgMax(row.Output.Slice(offset, classes)) : predicted(row.Output)) + 1)),
        ];
    }

    /// <summary>ML.NET's calibrated binary outputs from a network's single logit: <c>Score</c> (the logit),
    /// <c>Probability</c> (its sigmoid) and <c>PredictedLabel</c> (Probability above 0.5).</summary>
    public static List<OutputColumn> Binary()
    {
        const string kind = AnnotationUtils.Const.ScoreColumnKind.BinaryClassification;
        var score = new DataViewSchema.Annotations.Builder();
        AddScoreKinds(score, kind, AnnotationUtils.Const.ScoreValueKind.Score);
        var probability = new DataViewSchema.Annotations.Builder();
        AddScoreKinds(probability, kind, AnnotationUtils.Const.ScoreValueKind.Probability);
        probability.Add(AnnotationUtils.Kinds.IsNormalized, BooleanDataViewType.Instance, (ref bool v) => v = true);
        var predicted = new DataViewSchema.Annotations.Builder();
        AddScoreKinds(predicted, kind, AnnotationUtils.Const.ScoreValueKind.PredictedLabel);
        return
        [
            new OutputColumn(DefaultColumnNames.Score, NumberDataViewType.Single, score.ToAnnotations(),
                row => (ValueGetter<float>)((ref float dst) => dst = row.Output[0])),
            new OutputColumn(DefaultColumnNames.Probability, NumberDataViewType.Single, probability.ToAnnotations(),
                row => (ValueGetter<float>)((ref float dst) => dst = Sigmoid(row.Output[0]))),
            // Logit > 0 is Probability > 0.5, without a rounding edge at 0.5.
            new OutputColumn(DefaultColumnNames.PredictedLabel, BooleanDataViewType.Instance, predicted.ToAnnotations(),
                row => (ValueGetter<bool>)((ref bool dst) => dst = row.Output[0] > 0)),
        ];
    }

    /// <summary>The ONNX twin of <see cref="Multiclass"/> on a network's <paramref name="logits"/>: <c>Score</c> their
    /// softmax, <c>PredictedLabel</c> its arg max + 1 as ML.NET's uint32 key (the first of equal maxima, as here).
    /// <paramref name="column"/> declares an output column's variable by name.</summary>
    public static void WriteMulticlassOnnx(OnnxGraphWriter onnx, string logits, Func<string, string> column)
    {
        string score = column(DefaultColumnNames.Score);
        onnx.NodeInto("Softmax", [logits], score, node => node.AddAttribute("axis", 1L));
        string index = onnx.Node("ArgMax", [score], node =>
        {
            node.AddAttribute("axis", 1L);
            node.AddAttribute("keepdims", 1L);
        });
        string key = onnx.Node("Add", [index, onnx.Int64s("key_offset", [1], 1)]);
        onnx.NodeInto("Cast", [key], column(DefaultColumnNames.PredictedLabel), node => node.AddAttribute("to", typeof(uint)));
    }

    /// <summary>The ONNX twin of <see cref="Binary"/> on the network's single <paramref name="logit"/>.</summary>
    public static void WriteBinaryOnnx(OnnxGraphWriter onnx, string logit, Func<string, string> column)
    {
        onnx.NodeInto("Identity", [logit], column(DefaultColumnNames.Score));
        onnx.NodeInto("Sigmoid", [logit], column(DefaultColumnNames.Probability));
        onnx.NodeInto("Greater", [logit, onnx.Floats("zero", [0f], 1)], column(DefaultColumnNames.PredictedLabel));
    }

    /// <summary>The schema-shape twin of <see cref="Multiclass"/>, for <c>GetOutputSchema</c>.</summary>
    public static void AddMulticlassShape(Dictionary<string, SchemaShape.Column> columns, SchemaShape.Column label)
    {
        var scoreAnnotations = ScoreKindShapes();
        var labelAnnotations = new List<SchemaShape.Column>();
        if (label.Annotations.TryFindColumn(AnnotationUtils.Kinds.KeyValues, out var keyValues))
        {
            scoreAnnotations.Add(new(AnnotationUtils.Kinds.SlotNames, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false));
            labelAnnotations.Add(keyValues);
        }
        columns[DefaultColumnNames.Score] = new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Vector,
            NumberDataViewType.Single, false, new SchemaShape(scoreAnnotations));
        columns[DefaultColumnNames.PredictedLabel] = new SchemaShape.Column(DefaultColumnNames.PredictedLabel,
            SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true, new SchemaShape(labelAnnotations));
    }

    /// <summary>The schema-shape twin of <see cref="Binary"/>.</summary>
    public static void AddBinaryShape(Dictionary<string, SchemaShape.Column> columns)
    {
        var probability = ScoreKindShapes();
        probability.Add(new(AnnotationUtils.Kinds.IsNormalized, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false));
        columns[DefaultColumnNames.Score] = new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Scalar,
            NumberDataViewType.Single, false, new SchemaShape(ScoreKindShapes()));
        columns[DefaultColumnNames.Probability] = new SchemaShape.Column(DefaultColumnNames.Probability,
            SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false, new SchemaShape(probability));
        columns[DefaultColumnNames.PredictedLabel] = new SchemaShape.Column(DefaultColumnNames.PredictedLabel,
            SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false, new SchemaShape(ScoreKindShapes()));
    }

    private static List<SchemaShape.Column> ScoreKindShapes() =>
    [
        new(AnnotationUtils.Kinds.ScoreColumnKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false),
        new(AnnotationUtils.Kinds.ScoreValueKind, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, false),
    ];

    private static void AddScoreKinds(DataViewSchema.Annotations.Builder builder, string columnKind, string valueKind)
    {
        builder.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance,
            (ref ReadOnlyMemory<char> v) => v = columnKind.AsMemory());
        builder.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance,
            (ref ReadOnlyMemory<char> v) => v = valueKind.AsMemory());
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }
}
