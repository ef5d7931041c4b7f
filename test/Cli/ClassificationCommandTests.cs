using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetTriplet.Cli.Tabular;

namespace MlNetTriplet.Cli.Tests;

/// <summary>classification end to end on a quarter of the Kaggle bank-marketing file: 'deposit' (binary) and
/// 'marital' (three classes).</summary>
[TestClass]
public sealed class ClassificationCommandTests
{
    private static readonly string[] Sections =
        ["summary", "dataset", "settings", "learning-curves", "metrics", "misclassified", "consumption", "onnx", "timings"];

    private static string _folder = "", _csv = "", _binary = "", _multiclass = "", _triton = "";
    private static ProcessResult _binaryRun = null!, _multiclassRun = null!;

    [ClassInitialize]
    public static void TrainBoth(TestContext context)
    {
        _folder = CliData.TempDirectory();
        _csv = CliData.BankSubset(_folder);
        _binary = Path.Combine(_folder, "binary");
        _multiclass = Path.Combine(_folder, "multiclass");
        _binaryRun = CliProcess.Run("classification", "--dataset", _csv, "--label-col", "deposit", "--epochs", "3", "-o", _binary);
        _triton = Path.Combine(_folder, "triton");
        _multiclassRun = CliProcess.Run("classification", "--dataset", _csv, "--label-col", "marital", "--epochs", "4", "-o", _multiclass,
            "--triton", _triton);
    }

    [ClassCleanup]
    public static void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestMethod]
    public void Binary_BankSubset_WritesEveryOutputAndAucsOfBothModels()
    {
        Assert.AreEqual(0, _binaryRun.ExitCode, _binaryRun.ToString());
        foreach (string file in new[] { "model.zip", "metrics.json", "report.html", "Consumption/Program.cs", "Consumption/Consumption.csproj" })
            Assert.IsTrue(File.Exists(Path.Combine(_binary, file)), file);
        var metrics = Json.Metrics(_binary);
        Assert.AreEqual("binary", metrics.At("task").GetString());
        Assert.AreEqual("yes", metrics.At("positiveClass").GetString());
        Assert.IsGreaterThan(0.8, metrics.At("network.auc").GetDouble(), "network AUC");
        Assert.IsGreaterThan(0.8, metrics.At("lightGbm.auc").GetDouble(), "LightGBM AUC");
        Assert.AreEqual(3, metrics.At("training.epochs").GetInt32());
        StringAssert.Contains(_binaryRun.Output, "ranks a random 'yes' row above a random 'no' row");
    }

    [TestMethod]
    public void Binary_ModelZip_LoadsInAFreshContextAndScoresTheFile()
    {
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(_binary, "model.zip"), out _);
        var schema = TableSchema.Infer(ml, CsvFormat.Read(_csv, null), "deposit", [], null);
        var probabilities = model.Transform(schema.Loader(ml).Load(_csv)).GetColumn<float>("Probability").ToArray();
        Assert.AreEqual(schema.Rows, probabilities.Length);
        Assert.IsTrue(probabilities.All(p => p is >= 0 and <= 1), "probabilities");
        Assert.IsTrue(probabilities.Any(p => p > 0.5) && probabilities.Any(p => p < 0.5), "both classes predicted");
    }

    [TestMethod]
    public void Binary_Onnx_WholePipelineTakesTheRawColumnsAndScoresTheFileAsModelZip()
    {
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(_binary, "model.zip"), out _);
        var schema = TableSchema.Infer(ml, CsvFormat.Read(_csv, null), "deposit", [], null);
        var data = schema.Loader(ml).Load(_csv);
        var expected = model.Transform(data).GetColumn<float>("Probability").ToArray();

        var manifest = OnnxOutputs.Manifest(_binary);
        Assert.AreEqual("the whole pipeline of model.zip", manifest.GetProperty("holds").GetString());
        var inputs = OnnxOutputs.Tensors(manifest, "inputs");
        Assert.HasCount(16, inputs, "every column of the file but the label");
        Assert.IsFalse(inputs.Any(i => i.Name == "deposit"));
        CollectionAssert.AreEqual(new[] { "Score", "Probability", "PredictedLabel" }, OnnxOutputs.Tensors(manifest, "outputs").Select(o => o.Name).ToArray());

        int rows = expected.Length;
        var feeds = inputs.Select(i => i.Type == "string"
            ? NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<string>(data.GetColumn<string>(i.Name).ToArray(), [rows, 1]))
            : NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(data.GetColumn<float>(i.Name).ToArray(), [rows, 1]))).ToList();
        var actual = OnnxOutputs.RunFloats(Path.Combine(_binary, "model.onnx"), feeds)["Probability"];
        double max = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.IsLessThanOrEqualTo(1e-4, max, $"max |ONNX Runtime - model.zip| probability over {rows} rows: {max}");
    }

    [TestMethod]
    public void Multiclass_Triton_ConfigMatchesTheGraphsNamesTypesAndShapes()
    {
        Assert.AreEqual(0, _multiclassRun.ExitCode, _multiclassRun.ToString());
        string model = Path.Combine(_triton, "classification");
        var config = OnnxOutputs.ParseTriton(Path.Combine(model, "config.pbtxt"));
        string onnx = Path.Combine(model, "1", "model.onnx");
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(_multiclass, "model.onnx")), File.ReadAllBytes(onnx));
        Assert.AreEqual("classification", config.Name);
        Assert.AreEqual("onnxruntime", config.Backend);
        Assert.IsGreaterThan(0, config.MaxBatchSize);
        Assert.IsTrue(config.DynamicBatching, "dynamic batching");
        foreach (var (declared, inputs) in new[] { (config.Inputs, true), (config.Outputs, false) })
        {
            var graph = OnnxOutputs.Graph(onnx, inputs);
            CollectionAssert.AreEqual(graph.Select(g => g.Name).ToArray(), declared.Select(d => d.Name).ToArray());
            foreach (var (g, d) in graph.Zip(declared))
            {
                Assert.AreEqual(OnnxOutputs.TritonType(g.Type), d.DataType, g.Name);
                Assert.AreEqual(-1, g.Shape[0], $"{g.Name}: the batch dimension Triton adds");
                CollectionAssert.AreEqual(g.Shape[1..], d.Dims, g.Name);
            }
        }
        StringAssert.Contains(File.ReadAllText(Path.Combine(_multiclass, "report.html")), "tritonserver --model-repository=");
    }

    [TestMethod]
    public void Binary_Consumption_BuildsAndPredictsARowGivenWithoutItsLabel()
    {
        string row = string.Join(',', File.ReadLines(_csv).Skip(1).First().Split(',')[..^1]);
        var run = ConsumptionRun.BuildAndRun(_binary, row);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Matches(run.Output, new System.Text.RegularExpressions.Regex(@"^deposit: (yes|no) \(probability of yes: \d+\.\d%\)"));

        var wrong = ConsumptionRun.Run(_binary, "59,admin.");
        Assert.AreEqual(2, wrong.ExitCode, wrong.ToString());
        StringAssert.Contains(wrong.Error, "expected 16 or 17 separated by ','");
    }

    [TestMethod]
    public void Binary_Report_RendersEverySectionAndImageInChromium() =>
        ReportBrowser.AssertRenders(Path.Combine(_binary, "report.html"), Sections, minImages: 4);

    [TestMethod]
    public void Multiclass_MaritalStatus_ReportsAccuracyAgainstLightGbm()
    {
        Assert.AreEqual(0, _multiclassRun.ExitCode, _multiclassRun.ToString());
        var metrics = Json.Metrics(_multiclass);
        Assert.AreEqual("multiclass", metrics.At("task").GetString());
        CollectionAssert.AreEqual(new[] { "divorced", "married", "single" },
            metrics.At("classes").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToArray());
        // Married is 57% of the rows: a model that learnt nothing would sit there, and its log-loss would be the prior's.
        Assert.IsGreaterThan(0.57, metrics.At("network.accuracy").GetDouble(), "network accuracy");
        Assert.IsGreaterThan(0.57, metrics.At("lightGbm.accuracy").GetDouble(), "LightGBM accuracy");
        Assert.IsGreaterThan(0.0, metrics.At("network.logLossReduction").GetDouble(), "network log-loss below the prior's");
    }

    [TestMethod]
    public void Multiclass_Consumption_BuildsAndNamesAClass()
    {
        var fields = File.ReadLines(_csv).Skip(1).First().Split(',');
        var run = ConsumptionRun.BuildAndRun(_multiclass, string.Join(',', fields.Where((_, i) => i != 2)));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Matches(run.Output, new System.Text.RegularExpressions.Regex(@"^marital: (divorced|married|single)\n"));
    }

    [TestMethod]
    public void Multiclass_Report_RendersWithoutTheBinaryCurves() =>
        ReportBrowser.AssertRenders(Path.Combine(_multiclass, "report.html"), Sections, minImages: 2);
}
