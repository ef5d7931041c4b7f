// An application that references both MlNetTriplet and Microsoft.ML.TorchSharp (TorchSharpCoexistenceTests builds and
// runs it outside the repository, beside small Fashion-MNIST files). One line per step: "<step>: ok ..." or
// "<step>: failed" followed by one "  <exception type> in <assembly> (<type>.<method>): <message>" line per exception
// of the chain, outermost first. Their trainers run first, so their code is the first to load libtorch.
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.TorchSharp;
using Microsoft.ML.TorchSharp.AutoFormerV2;
using MlNetTriplet;
using SkiaSharp;
using TorchSharp;

Assembly ours = typeof(CnnClassifierTrainer).Assembly, theirs = typeof(TorchSharpCatalog).Assembly;
Console.WriteLine($"torchsharp: running {typeof(torch).Assembly.GetName().Version}, theirs built against " +
    theirs.GetReferencedAssemblies().Single(a => a.Name == "TorchSharp").Version);
string collisions = string.Join("; ", NameCollisions());
Console.WriteLine("names: " + (collisions.Length > 0 ? collisions : "no collision"));

// Their text classifier downloads its weights at Fit, with retries that take a minute or two offline: in the
// background while the rest runs.
string temp = Path.GetFullPath("mlnet-temp");
var text = Task.Run(() => Step("theirs-text-classification", () =>
{
    var ml = new MLContext(seed: 1) { TempFilePath = temp };
    var rows = ml.Data.LoadFromEnumerable(new[]
    {
        new Sentence { Text = "a warm, funny film", Label = "positive" }, new Sentence { Text = "dull and too long", Label = "negative" },
    });
    ml.Transforms.Conversion.MapValueToKey("Label")
        .Append(ml.MulticlassClassification.Trainers.TextClassification(sentence1ColumnName: "Text", maxEpochs: 1))
        .Fit(rows);
    return "trained";
}));

// Their object detector downloads an 11M-parameter AutoFormerV2 at Fit, into MLContext.TempFilePath/mlnet: a randomly
// initialised network of the same architecture stands in for it, so Fit goes as far as their training loop.
Step("theirs-object-detection", () =>
{
    var ml = new MLContext(seed: 1) { TempFilePath = temp };
    Directory.CreateDirectory(Path.Combine(temp, "mlnet"));
    using (var network = new AutoFormerV2(2, [64, 128, 256, 448], [2, 2, 6, 2], [2, 4, 8, 14], torch.CPU))
        network.save(Path.Combine(temp, "mlnet", "autoformer_11m_torchsharp.bin"));
    WriteBoxPicture("boxes.png");
    var rows = ml.Data.LoadFromEnumerable(new[]
    {
        new Boxes { ImagePath = "boxes.png", Labels = ["square", "disc"], Box = [8, 8, 40, 40, 64, 64, 112, 112] },
    });
    var model = ml.Transforms.Conversion.MapValueToKey("Labels")
        .Append(ml.Transforms.LoadImages("Image", ".", "ImagePath"))
        .Append(ml.MulticlassClassification.Trainers.ObjectDetection("Labels", "PredictedLabel", "Score", "Box", "PredictedBox", "Image", maxEpoch: 1))
        .Fit(rows);
    return $"trained, {model.Transform(rows).GetColumn<float[]>("PredictedBox").Single().Length / 4} boxes predicted";
});

// Ours: the README's quick start CNN, saved and loaded back (with their loadable classes registered too).
Step("ours-cnn", () =>
{
    var ml = new MLContext(seed: 1);
    IDataView train = ml.Data.LoadFromIdx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
    IDataView test = ml.Data.LoadFromIdx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
    var model = ml.Transforms.Conversion.MapValueToKey("Label")
        .Append(ml.MulticlassClassification.Trainers.Cnn(new CnnClassifierTrainer.Options { NumberOfEpochs = 3 }))
        .Fit(train);
    double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
    ml.Model.Save(model, train.Schema, "ours.zip");
    var loaded = new MLContext().Model.Load("ours.zip", out _);
    bool identical = model.Transform(test).GetColumn<float[]>("Score").Zip(loaded.Transform(test).GetColumn<float[]>("Score"))
        .All(pair => pair.First.SequenceEqual(pair.Second));
    return $"accuracy {accuracy:F3}, reloaded scores {(identical ? "identical" : "DIFFERENT")}";
});

text.Wait();
Console.WriteLine("done");

static void Step(string name, Func<string> run)
{
    string outcome;
    try
    {
        outcome = $"{name}: ok {run()}";
    }
    catch (Exception e)
    {
        outcome = $"{name}: failed";
        for (Exception? x = e; x is not null; x = x.InnerException)
            outcome += $"\n  {x.GetType().FullName} in {x.TargetSite?.DeclaringType?.Assembly.GetName().Name} " +
                $"({x.TargetSite?.DeclaringType?.Name}.{x.TargetSite?.Name}): {x.Message.Split('\n')[0]}";
    }
    Console.WriteLine(outcome);   // one call: Console's writer is synchronised, so the lines of two steps never mix
}

// What both packages add where one `using` scope sees both: extension methods on one ML.NET type under one name,
// public type names, and the loader signatures ML.NET finds saved models by.
IEnumerable<string> NameCollisions()
{
    static IEnumerable<string> Extensions(Assembly a) => a.GetExportedTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
        .Where(m => m.IsDefined(typeof(ExtensionAttribute)))
        .Select(m => $"{m.GetParameters()[0].ParameterType.FullName}.{m.Name}");
    static IEnumerable<string> Types(Assembly a) => a.GetExportedTypes().Select(t => t.FullName!);
    static IEnumerable<string> Loaders(Assembly a) => a.GetCustomAttributesData()   // LoadableClassAttribute is internal
        .Where(d => d.AttributeType.Name == "LoadableClassAttribute")
        .SelectMany(d => (IEnumerable<CustomAttributeTypedArgument>)d.ConstructorArguments[^1].Value!)
        .Select(name => (string)name.Value!);
    return Extensions(ours).Intersect(Extensions(theirs)).Select(n => "extension " + n)
        .Concat(Types(ours).Intersect(Types(theirs)).Select(n => "type " + n))
        .Concat(Loaders(ours).Intersect(Loaders(theirs)).Select(n => "loader " + n));
}

static void WriteBoxPicture(string path)
{
    using var bitmap = new SKBitmap(128, 128);
    using (var canvas = new SKCanvas(bitmap))
    {
        canvas.Clear(SKColors.White);
        using var paint = new SKPaint { Color = SKColors.DarkBlue };
        canvas.DrawRect(8, 8, 32, 32, paint);
        canvas.DrawCircle(88, 88, 24, paint);
    }
    using var file = File.Create(path);
    bitmap.Encode(SKEncodedImageFormat.Png, 100).SaveTo(file);
}

internal sealed class Sentence
{
    public string Text { get; set; } = "";
    public string Label { get; set; } = "";
}

internal sealed class Boxes
{
    public string ImagePath { get; set; } = "";
    public string[] Labels { get; set; } = [];
    public float[] Box { get; set; } = [];
}
