using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Evaluation;

/// <summary><c>mlContext.Embeddings().Evaluate</c>: label types, reference set, log line and bad inputs.</summary>
[TestClass]
public sealed class EmbeddingCatalogTests
{
    private const int Dims = 6;
    private static readonly (float[] Rows, int[] Labels) Data = EmbeddingMetricsTests.Blobs(3, 40, Dims, 1.2, seed: 8);

    private static IDataView View<T>(MLContext ml, Func<int, T> label) =>
        EmbeddingViews.Create(ml, Data.Rows, Dims, Data.Labels.Select(label).ToArray());

    [TestMethod]
    public void Evaluate_GivesTheSameMetricsForKeyTextNumberAndBooleanLabels()
    {
        var ml = new MLContext(seed: 1);
        var text = View(ml, l => $"class {l}");
        var expected = ml.Embeddings().Evaluate(text);
        Assert.AreEqual(120, expected.Rows);
        Assert.AreEqual(3, expected.Classes);
        Assert.IsTrue(expected.PrecisionAt1 is > 0.4 and < 1, $"{expected}");

        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(text).Transform(text);
        Assert.AreEqual(expected, ml.Embeddings().Evaluate(keyed));
        Assert.AreEqual(expected, ml.Embeddings().Evaluate(View(ml, l => l)));
        Assert.AreEqual(expected, ml.Embeddings().Evaluate(View(ml, l => (uint)l * 7)));
        Assert.AreEqual(expected, ml.Embeddings().Evaluate(View(ml, l => l - 0.5f)));
        Assert.AreEqual(expected, ml.Embeddings().Evaluate(View(ml, l => (double)l)));

        // Two classes as booleans against the same two classes as text.
        var pairs = Data.Labels.Select(l => l == 0).ToArray();
        Assert.AreEqual(ml.Embeddings().Evaluate(View(ml, l => l == 0 ? "yes" : "no")),
            ml.Embeddings().Evaluate(EmbeddingViews.Create(ml, Data.Rows, Dims, pairs)));
    }

    [TestMethod]
    public void Evaluate_WithReference_VotesAmongReferenceRows_MatchedByLabelText()
    {
        var ml = new MLContext(seed: 1);
        var test = View(ml, l => $"c{l}");
        var train = EmbeddingMetricsTests.Blobs(3, 30, Dims, 1.2, seed: 9);
        var trainLabels = train.Labels.Select(l => $"c{l}").ToArray();
        // Keys built separately on the reference rows in reverse order: its key numbers differ from the test's, the
        // classes still match through their key values.
        var reversedRows = Enumerable.Range(0, trainLabels.Length).Reverse().SelectMany(i => train.Rows[(i * Dims)..((i + 1) * Dims)]).ToArray();
        var reversed = EmbeddingViews.Create(ml, reversedRows, Dims, Enumerable.Reverse(trainLabels).ToArray());
        var keyedReference = ml.Transforms.Conversion.MapValueToKey("Label").Fit(reversed).Transform(reversed);
        var keyedTest = ml.Transforms.Conversion.MapValueToKey("Label").Fit(test).Transform(test);

        var plain = ml.Embeddings().Evaluate(test, reference: EmbeddingViews.Create(ml, train.Rows, Dims, trainLabels));
        Assert.AreEqual(90, plain.ReferenceRows);
        Assert.AreNotEqual(ml.Embeddings().Evaluate(test).KnnAccuracy, plain.KnnAccuracy);
        var keyed = ml.Embeddings().Evaluate(keyedTest, reference: keyedReference);
        Assert.AreEqual(plain.KnnAccuracy, keyed.KnnAccuracy, 1e-12);
        Assert.IsTrue(keyed.KnnAccuracy > 0.5, $"{keyed}");
    }

    [TestMethod]
    public void Evaluate_LogsOneSummaryLine()
    {
        var ml = new MLContext(seed: 1);
        var lines = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("EmbeddingCatalog")) lock (lines) lines.Add(e.Message); };
        var m = ml.Embeddings().Evaluate(View(ml, l => l), options: new() { ComputeClusterQuality = false });
        Assert.IsTrue(lines.Any(l => l.Contains(m.ToString())), string.Join("\n", lines));
        StringAssert.Contains(m.ToString(), "NMI not computed");
        StringAssert.Contains(m.ToString(), "120 rows, 3 classes, 0 singleton rows excluded, euclidean distance");
    }

    [TestMethod]
    public void BadSchema_NamesTheColumnAndTheExpectation()
    {
        var ml = new MLContext(seed: 1);
        var good = View(ml, l => l);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Embeddings().Evaluate(good, "Missing")).Message, "Could not find embedding column 'Missing'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Embeddings().Evaluate(good, "Embedding", "Nope")).Message, "Could not find label column 'Nope'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Embeddings().Evaluate(good, "Label", "Label")).Message,
            "Schema mismatch for embedding column 'Label': expected Vector<Single> of known size, got Int32");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Embeddings().Evaluate(good, "Embedding", "Embedding")).Message, "Schema mismatch for label column 'Embedding'");
        var variable = EmbeddingViews.Create(ml, Data.Rows, Dims, Data.Labels, declaredSize: 0);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Embeddings().Evaluate(variable)).Message, "expected Vector<Single> of known size, got Vector<Single>");

        var narrow = EmbeddingViews.Create(ml, Data.Rows[..(40 * 3)], 3, Data.Labels[..40]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Embeddings().Evaluate(good, reference: narrow)).Message, "expected Vector<Single, 6>, got Vector<Single, 3>");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Embeddings().Evaluate(good, reference: View(ml, l => $"{l}"))).Message, "reference label column 'Label': expected Int32");
    }

    [TestMethod]
    public void BadRows_NameTheRowOrTheProblem_BeforeAnySearch()
    {
        var ml = new MLContext(seed: 1);
        var rows = (float[])Data.Rows.Clone();
        rows[37 * Dims + 4] = float.NaN;
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() =>
            ml.Embeddings().Evaluate(EmbeddingViews.Create(ml, rows, Dims, Data.Labels))).Message,
            "row 37 of embedding column 'Embedding' holds NaN at slot 4");
        var labels = Data.Labels.Select(l => (float)l).ToArray();
        labels[12] = float.NaN;
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() =>
            ml.Embeddings().Evaluate(EmbeddingViews.Create(ml, Data.Rows, Dims, labels))).Message,
            "row 12 has a missing value in label column 'Label'");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() =>
            ml.Embeddings().Evaluate(EmbeddingViews.Create(ml, [], Dims, Array.Empty<int>()))).Message, "is empty");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            ml.Embeddings().Evaluate(View(ml, _ => "same"))).Message, "has 1 distinct value(s)");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            ml.Embeddings().Evaluate(EmbeddingViews.Create(ml, Data.Rows, Dims, Enumerable.Range(0, 120).ToArray()))).Message,
            "no row has a same-class partner");
    }

    [TestMethod]
    public void Evaluate_WithMoreNeighborsThanRows_ThrowsNamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        var options = new EmbeddingEvaluationOptions { KnnNeighborCount = Data.Labels.Length };
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.Embeddings().Evaluate(EmbeddingViews.Create(ml, Data.Rows, Dims, Data.Labels), options: options));
        StringAssert.Contains(e.Message, $"KnnNeighborCount is {Data.Labels.Length} but only {Data.Labels.Length - 1} other rows");
    }

    [TestMethod]
    public void Evaluate_KeyLabelOfAClassUnseenWhenTheKeyWasFitted_SaysToEvaluateOnTheOriginalLabels()
    {
        var ml = new MLContext(seed: 1);
        var data = View(ml, l => $"class {l}");
        // The key is fitted on classes 0 and 1 only, as a pipeline fitted on the training classes does.
        var trainingClasses = ml.Data.FilterByCustomPredicate<TextLabel>(data, row => row.Label == "class 2");
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(trainingClasses).Transform(data);
        string message = Assert.ThrowsExactly<InvalidDataException>(() => ml.Embeddings().Evaluate(keyed)).Message;
        StringAssert.Contains(message, "has a missing value in label column 'Label'");
        StringAssert.Contains(message, "a class absent from the training data");
        StringAssert.Contains(message, "MapValueToKey(\"LabelKey\", \"Label\")");
        StringAssert.Contains(message, "evaluate on 'Label'");
        // The advice works: the original column names every class.
        Assert.AreEqual(3, ml.Embeddings().Evaluate(data, "Embedding", "Label").Classes);
    }

    private sealed class TextLabel
    {
        public string Label { get; set; } = "";
    }
}
