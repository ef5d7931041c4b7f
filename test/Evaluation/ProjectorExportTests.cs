using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Evaluation;

/// <summary>TensorBoard projector TSV export and the load back.</summary>
[TestClass]
public sealed class ProjectorExportTests
{
    [TestMethod]
    public void ExportThenLoad_GivesBackTheExactFloats_AndKeyValuesAsLabels()
    {
        var ml = new MLContext(seed: 1);
        const int dims = 5;
        var rng = new Random(2);
        // Values that a short format would round: tiny, huge, negative, many digits.
        var rows = Enumerable.Range(0, 40 * dims).Select(i => (float)((rng.NextDouble() - 0.5) * Math.Pow(10, i % 9 - 4))).ToArray();
        rows[3] = float.Epsilon;
        rows[4] = float.MaxValue;
        var names = Enumerable.Range(0, 40).Select(i => $"class {i % 4}").ToArray();
        var text = EmbeddingViews.Create(ml, rows, dims, names);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(text).Transform(text);
        string directory = TestData.TempDirectory();
        try
        {
            ml.Embeddings().ExportForProjector(keyed, directory);
            var meta = File.ReadAllLines(Path.Combine(directory, "meta.tsv"));
            CollectionAssert.AreEqual(names, meta, "one column: no header, key values not key numbers");
            var firstLine = File.ReadAllLines(Path.Combine(directory, "vecs.tsv"))[0].Split('\t');
            Assert.AreEqual(dims, firstLine.Length);
            Assert.AreEqual(rows[0], float.Parse(firstLine[0], CultureInfo.InvariantCulture));

            var loaded = ml.Embeddings().LoadFromProjectorTsv(directory);
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, dims), loaded.Schema["Embedding"].Type);
            Assert.AreEqual(TextDataViewType.Instance, loaded.Schema["Label"].Type);
            var back = loaded.GetColumn<float[]>("Embedding").SelectMany(v => v).ToArray();
            CollectionAssert.AreEqual(rows.Select(BitConverter.SingleToInt32Bits).ToArray(), back.Select(BitConverter.SingleToInt32Bits).ToArray());
            CollectionAssert.AreEqual(names, loaded.GetColumn<string>("Label").ToArray());
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    [TestMethod]
    public void SeveralMetadataColumns_GetAHeader_AndTheLoadedViewEvaluatesLikeTheOriginal()
    {
        var ml = new MLContext(seed: 1);
        var (rows, labels) = EmbeddingMetricsTests.Blobs(3, 20, 4, 1.0, seed: 4);
        var view = EmbeddingViews.Create(ml, rows, 4, labels.Select(l => $"{l}").ToArray());
        var withPath = ml.Transforms.Expression("Path", "l => concat(\"img\\t\", l, \".png\")", "Label").Fit(view).Transform(view);
        string directory = TestData.TempDirectory();
        try
        {
            ml.Embeddings().ExportForProjector(withPath, directory, metadataColumnNames: ["Path"]);
            var meta = File.ReadAllLines(Path.Combine(directory, "meta.tsv"));
            Assert.AreEqual("Label\tPath", meta[0]);
            Assert.AreEqual($"{labels[1]}\timg {labels[1]}.png", meta[2], "a tab inside a value becomes a space");
            Assert.AreEqual(61, meta.Length);

            var loaded = ml.Embeddings().LoadFromProjectorTsv(directory);
            CollectionAssert.AreEqual(new[] { "Embedding", "Label", "Path" }, loaded.Schema.Select(c => c.Name).ToArray());
            Assert.AreEqual(ml.Embeddings().Evaluate(view), ml.Embeddings().Evaluate(loaded));

            // Exporting without metadata removes the stale meta.tsv.
            ml.Embeddings().ExportForProjector(view, directory, labelColumnName: null);
            Assert.IsFalse(File.Exists(Path.Combine(directory, "meta.tsv")));
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    [TestMethod]
    public void Load_RejectsMismatchedFiles()
    {
        var ml = new MLContext(seed: 1);
        string directory = TestData.TempDirectory();
        try
        {
            Assert.ThrowsExactly<FileNotFoundException>(() => ml.Embeddings().LoadFromProjectorTsv(directory));
            File.WriteAllText(Path.Combine(directory, "vecs.tsv"), "1\t2\n3\n");
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => ml.Embeddings().LoadFromProjectorTsv(directory)).Message,
                "line 2 has 1 values; line 1 has 2");
            File.WriteAllText(Path.Combine(directory, "vecs.tsv"), "1\t2\n3\t4\n");
            File.WriteAllText(Path.Combine(directory, "meta.tsv"), "a\n");
            StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => ml.Embeddings().LoadFromProjectorTsv(directory)).Message,
                "has 1 rows of metadata");
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }
}
