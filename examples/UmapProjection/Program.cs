// UMAP inside an ML.NET pipeline on Fashion-MNIST pixels (or any MNIST-format folder): fit on the training images,
// place the test images with transform(), measure the projection, draw both maps, save and reload the model zip.
// Run: dotnet run --project examples/UmapProjection -c Release [-- --quick | --help]
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet;
using MlNetTriplet.Examples;
using MlNetTriplet.Plots;
using UmapProjection;

var options = CommandLine.Parse(args, ExampleOptions.Parse, o => o.Help, ExampleOptions.Usage, out int exitCode);
if (options is null)
    return exitCode;
var files = DataFiles.Locate(options.DataDirectory, options.DataDirectoryGiven);
if (files is null)
    return 2;

var ml = new MLContext(seed: options.Seed);
ml.Log += (_, e) =>
{
    if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Info && e.Source.Contains("Umap", StringComparison.Ordinal))
        Console.WriteLine($"[{e.Source}] {e.RawMessage}");
};
IDataView train = ml.Data.LoadFromIdx(files.TrainImages, files.TrainLabels, options.TrainRows);
IDataView test = ml.Data.LoadFromIdx(files.TestImages, files.TestLabels, options.TestRows);
int trainRows = (int)(train.GetRowCount() ?? 0), testRows = (int)(test.GetRowCount() ?? 0);
Console.WriteLine($"Data: {Path.GetDirectoryName(files.TrainImages)}: {trainRows:N0} training and {testRows:N0} test images.");

var umapOptions = new UmapOptions
{
    NeighborCount = options.Neighbors, MinDistance = options.MinDistance, Metric = options.Metric, Seed = options.Seed,
};
// The class names ride along as a text column, so the plots and any later step can use them.
var names = Enumerable.Range(0, 10).Select(i => new KeyValuePair<uint, string>((uint)i, ClassNames.Of((uint)i, options.ClassNames)));
var pipeline = ml.Transforms.Conversion.MapValue("Class", names, "Label")
    .Append(ml.Transforms.ProjectToUmap("Umap", "Features", umapOptions));

Console.WriteLine($"Fitting UMAP: {umapOptions.Metric}, {umapOptions.NeighborCount} neighbours, min_dist {umapOptions.MinDistance}, seed {options.Seed} ...");
var clock = Stopwatch.StartNew();
var model = pipeline.Fit(train);
Console.WriteLine($"Fitted in {clock.Elapsed.TotalSeconds:F1} s ({model.LastTransformer.Initialization} initialisation).");

clock.Restart();
var placed = model.Transform(test);
var testPoints = ColumnOf(placed);
Console.WriteLine($"Placed {testRows:N0} test images with transform() in {clock.Elapsed.TotalSeconds:F1} s.");

// Quality: are the map's neighbours true neighbours (trustworthiness, on a fixed sample: it is O(n^2)), and do the
// placed test images land among training images of their class (10-NN accuracy)?
var trainPoints = ColumnOf(model.Transform(train));
var trainLabels = train.GetColumn<uint>("Label").Select(v => (int)v).ToArray();
var testLabels = test.GetColumn<uint>("Label").Select(v => (int)v).ToArray();
int sample = Math.Min(5_000, trainRows);
var pixels = train.GetColumn<float[]>("Features").Take(sample).SelectMany(r => r).ToArray();
double trust = ProjectionQuality.Trustworthiness(pixels, trainPoints[..(sample * 2)], sample, pixels.Length / sample, 2);
double knn = ProjectionQuality.KnnAccuracy([.. trainPoints, .. testPoints], [.. trainLabels, .. testLabels],
    trainRows + testRows, 2, k: 10, trainRows: trainRows);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Trustworthiness@15 (first {sample:N0} training images): {trust:F4}; 10-NN accuracy of the placed test images: {knn:F4}"));

Directory.CreateDirectory(options.OutputDirectory);
string dataset = options.ClassNames == ClassNameSet.Fashion ? "Fashion-MNIST" : Path.GetFileName(Path.GetDirectoryName(files.TrainImages)) ?? "data";
string settings = $"{umapOptions.Metric.ToString().ToLowerInvariant()}, n_neighbors {umapOptions.NeighborCount}, min_dist {umapOptions.MinDistance.ToString(CultureInfo.InvariantCulture)}";
string trainPng = Path.Combine(options.OutputDirectory, "umap-train.png"), testPng = Path.Combine(options.OutputDirectory, "umap-test.png");
ScatterPlots.SaveScatter(model.Transform(train), "Umap", "Class", trainPng, $"{dataset}: UMAP of {trainRows:N0} training images ({settings})");
ScatterPlots.SaveScatter(placed, "Umap", "Class", testPng, $"{dataset}: {testRows:N0} test images placed by transform()");
Console.WriteLine($"Wrote {trainPng} and {testPng}.");

string zip = Path.Combine(options.OutputDirectory, "umap-projection.zip");
ml.Model.Save(model, train.Schema, zip);
var reloaded = ColumnOf(new MLContext().Model.Load(zip, out _).Transform(test));
bool same = reloaded.AsSpan().SequenceEqual(testPoints);
Console.WriteLine($"Saved {zip} ({new FileInfo(zip).Length / 1e6:F1} MB); reloaded, it places the test images {(same ? "identically" : "DIFFERENTLY")}.");
return same ? 0 : 3;

static float[] ColumnOf(IDataView data) => data.GetColumn<float[]>("Umap").SelectMany(p => p).ToArray();
