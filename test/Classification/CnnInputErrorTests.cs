using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetTriplet.Tests.Classification;

[TestClass]
public sealed class CnnInputErrorTests
{
    private sealed class Row
    {
        [VectorType(16)] public float[] Features { get; set; } = new float[16];
        public uint Label { get; set; }
    }

    private static IDataView Rows(MLContext ml, IEnumerable<Row> rows) => ml.Data.LoadFromEnumerable(rows);

    private static List<Row> Checkerboard(int count, int classes = 2) =>
        Enumerable.Range(0, count).Select(i => new Row
        {
            Label = (uint)(i % classes),
            Features = Enumerable.Range(0, 16).Select(j => (float)((i + j) % 5) / 5f).ToArray(),
        }).ToList();

    private static CnnClassifierTrainer.Options SmallOptions() => new()
    {
        NumberOfEpochs = 1,
        ImageShape = new ImageShape(1, 4, 4),
        Architecture = new CnnArchitecture { Blocks = [new ConvBlock { Filters = 4 }], DenseUnits = [8] },
    };

    [TestMethod]
    public void Fit_CheckpointDirectoryIsAnExistingFile_RefusedNamingTheOptionBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        string file = Path.GetTempFileName();
        try
        {
            var options = SmallOptions();
            options.CheckpointDirectory = file;
            int epochs = 0;
            options.MetricsCallback = _ => epochs++;
            var e = Expect.AnyException(() => TrainedCnn.Pipeline(ml, options).Fit(Rows(ml, Checkerboard(20))));
            Assert.IsInstanceOfType<ArgumentException>(e);
            StringAssert.StartsWith(e.Message, $"Option CnnClassifierTrainer.Options.CheckpointDirectory is '{file}': expected a folder");
            Assert.AreEqual(0, epochs, "no epoch should have trained");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [TestMethod]
    public void Predict_AfterDispose_SaysTheModelWasDisposed()
    {
        var ml = new MLContext(seed: 1);
        var data = Rows(ml, Checkerboard(20));
        var model = TrainedCnn.Pipeline(ml, SmallOptions()).Fit(data);
        var engine = ml.Model.CreatePredictionEngine<Row, Scored>(model);
        var row = Checkerboard(1)[0];
        Assert.HasCount(2, engine.Predict(row).Score);
        model.OfType<CnnClassifierTransformer>().Single().Dispose();
        var e = Assert.ThrowsExactly<ObjectDisposedException>(() => engine.Predict(row));
        StringAssert.Contains(e.Message, "This model was disposed");
    }

    private sealed class Scored
    {
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void Fit_WithMissingFeatureColumn_ThrowsNamingColumn()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallOptions();
        options.FeatureColumnName = "Pixels";
        var e = Expect.AnyException(() => TrainedCnn.Pipeline(ml, options).Fit(Rows(ml, Checkerboard(20))));
        Assert.IsInstanceOfType<ArgumentOutOfRangeException>(e);
        StringAssert.Contains(e.Message, "'Pixels'");
    }

    [TestMethod]
    public void Fit_WithWrongVectorSizeForShape_ThrowsWithExpectedSize()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallOptions();
        options.ImageShape = new ImageShape(1, 5, 5);
        var e = Expect.AnyException(() => TrainedCnn.Pipeline(ml, options).Fit(Rows(ml, Checkerboard(20))));
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, "Vector<Single, 25>");
    }

    [TestMethod]
    public void Fit_WithUnknownShape_ThrowsAskingForImageShape()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallOptions();
        options.ImageShape = null;
        var e = Expect.AnyException(() => TrainedCnn.Pipeline(ml, options).Fit(Rows(ml, Checkerboard(20))));
        StringAssert.Contains(e.Message, "ImageShape");
    }

    [TestMethod]
    public void Fit_WithNonKeyLabel_ThrowsSuggestingMapValueToKey()
    {
        var ml = new MLContext(seed: 1);
        var e = Expect.AnyException(() => ml.MulticlassClassification.Trainers.Cnn(SmallOptions()).Fit(Rows(ml, Checkerboard(20))));
        StringAssert.Contains(e.Message, "label column 'Label'");
        StringAssert.Contains(e.Message, "MapValueToKey");
    }

    [TestMethod]
    public void Fit_WithDoubleFeatures_ThrowsSchemaMismatch()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Transforms.Conversion.ConvertType("Features", outputKind: DataKind.Double).Fit(Rows(ml, Checkerboard(20)))
            .Transform(Rows(ml, Checkerboard(20)));
        var e = Expect.AnyException(() => TrainedCnn.Pipeline(ml, SmallOptions()).Fit(data));
        StringAssert.Contains(e.Message, "Schema mismatch for feature column 'Features'");
    }

    [TestMethod]
    public void Fit_WithNaNPixel_ThrowsNamingRowAndColumn()
    {
        var ml = new MLContext(seed: 1);
        var rows = Checkerboard(20);
        rows[7].Features[3] = float.NaN;
        var e = Expect.AnyException(() => TrainedCnn.Pipeline(ml, SmallOptions()).Fit(Rows(ml, rows)));
        Assert.IsInstanceOfType<InvalidDataException>(e);
        StringAssert.Contains(e.Message, "row 7");
        StringAssert.Contains(e.Message, "'Features'");
    }

    [TestMethod]
    public void Transform_WithInfinitePixel_ThrowsInsteadOfScoring()
    {
        var ml = new MLContext(seed: 1);
        var model = TrainedCnn.Pipeline(ml, SmallOptions()).Fit(Rows(ml, Checkerboard(40)));
        var rows = Checkerboard(10);
        rows[4].Features[0] = float.PositiveInfinity;
        var scored = model.Transform(Rows(ml, rows));
        var e = Expect.AnyException(() => scored.GetColumn<float[]>("Score").ToArray());
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, "Infinity");
    }

    [TestMethod]
    public void Fit_WithEmptyData_ThrowsSayingEmpty()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(ml, Checkerboard(20));
        // Keys learnt on real rows, then applied to a filtered-out (empty) view: ML.NET's MapValueToKey cannot fit on empty data.
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(rows).Transform(rows);
        var empty = ml.Data.SkipRows(keyed, 1000);
        var e = Expect.AnyException(() => ml.MulticlassClassification.Trainers.Cnn(SmallOptions()).Fit(empty));
        Assert.IsInstanceOfType<InvalidDataException>(e);
        StringAssert.Contains(e.Message, "empty");
    }

    [TestMethod]
    public void Fit_PipelineOnEmptyData_ThrowsSayingEmptyNotOneClass()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Cnn(SmallOptions()));
        var e = Expect.AnyException(() => pipeline.Fit(Rows(ml, [])));
        StringAssert.Contains(e.Message, "Training data is empty");
    }

    [TestMethod]
    public void Options_WithUnknownDevice_ThrowsNamingOptionAndAcceptedValues()
    {
        var options = SmallOptions();
        options.Device = "tpu";
        var e = Expect.AnyException(() => new MLContext().MulticlassClassification.Trainers.Cnn(options));
        StringAssert.Contains(e.Message, "Device");
        StringAssert.Contains(e.Message, "\"cuda:N\"");
    }

    [TestMethod]
    public void Fit_WithOneClass_ThrowsNeedsTwoClasses()
    {
        var ml = new MLContext(seed: 1);
        var e = Expect.AnyException(() => TrainedCnn.Pipeline(ml, SmallOptions()).Fit(Rows(ml, Checkerboard(20, classes: 1))));
        StringAssert.Contains(e.Message, "at least two");
    }

    [TestMethod]
    public void Fit_WithValidationLabelsUnseenInTraining_Throws()
    {
        var ml = new MLContext(seed: 1);
        var all = Rows(ml, Checkerboard(60, classes: 3));
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(all);
        var train = keys.Transform(Rows(ml, Checkerboard(60, classes: 3).Where(r => r.Label != 2)));
        var valid = keys.Transform(Rows(ml, Checkerboard(60, classes: 3)));
        var trainer = ml.MulticlassClassification.Trainers.Cnn(SmallOptions());
        var e = Expect.AnyException(() => trainer.Fit(train, valid));
        StringAssert.Contains(e.Message, "unseen");
    }

    [TestMethod]
    public void Fit_WithArchitectureTooDeepForImage_ThrowsBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallOptions();
        options.Architecture = new CnnArchitecture { Blocks = [new ConvBlock(), new ConvBlock(), new ConvBlock()] };
        var e = Expect.AnyException(() => TrainedCnn.Pipeline(ml, options).Fit(Rows(ml, Checkerboard(20))));
        StringAssert.Contains(e.Message, "shrinks a 1x4x4 image");
    }

    [TestMethod]
    public void Options_WithInvalidValues_ThrowNamingOption()
    {
        var ml = new MLContext();
        var e = Expect.AnyException(() => ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options { BatchSize = 0 }));
        StringAssert.Contains(e.Message, "BatchSize");
        e = Expect.AnyException(() => TrainedCnn.Pipeline(ml, new CnnClassifierTrainer.Options { EarlyStoppingPatience = 2 })
            .Fit(TrainedCnn.Train));
        StringAssert.Contains(e.Message, "validation");
    }

    [TestMethod]
    public void Transform_WithWrongImageSize_ThrowsNamingExpectedSize()
    {
        var ml = new MLContext(seed: 1);
        var model = TrainedCnn.Pipeline(ml, SmallOptions()).Fit(Rows(ml, Checkerboard(40)));
        var e = Expect.AnyException(() => model.Transform(TrainedCnn.Test));
        StringAssert.Contains(e.Message, "Vector<Single, 16>");
    }

    [TestMethod]
    public void Fit_OnCudaWithoutCuda_ThrowsBeforeTraining()
    {
        if (TorchSharp.torch.cuda.is_available())
            Assert.Inconclusive("this machine has CUDA");
        var ml = new MLContext(seed: 1);
        var options = SmallOptions();
        options.Device = "cuda";
        var e = Expect.AnyException(() => TrainedCnn.Pipeline(ml, options).Fit(Rows(ml, Checkerboard(20))));
        StringAssert.Contains(e.Message, "CUDA is not available");
    }
}
