using System.Diagnostics;
using MlNetTriplet;
using MlNetTriplet.Batches;
using MlNetTriplet.Images;

// dump       : our evaluation crops (Resize 256, CenterCrop 224) as raw uint8 C x H x W per file, in --files order, for
//              bench/torchvision_preprocess.py --compare. --full-decode turns JPEG DCT scaling off (Pillow's exact path).
// throughput : decode + resize + crop images/s over --rounds passes of the files, on --threads threads (default 1),
//              through the training batch producer (batches of 32 copied into tensors, as training reads them).
//
//   ls data/caltech101/*/*/* > /tmp/files.txt        (bench/results/image-preprocessing.md: the ants/bees photos)
//   dotnet run -c Release --project bench/ImagePreprocessing -- dump --files /tmp/files.txt --out /tmp/ours.bin
//   /usr/bin/python3 bench/torchvision_preprocess.py --files /tmp/files.txt --compare /tmp/ours.bin
//   dotnet run -c Release --project bench/ImagePreprocessing -- throughput --files /tmp/files.txt --rounds 5
string command = args.Length > 0 ? args[0] : "";
string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
string? list = Option("--files");
if (command is not ("dump" or "throughput") || list is null)
{
    Console.Error.WriteLine("MlNetTriplet.ImageBench dump --files LIST --out FILE [--full-decode] | throughput --files LIST [--rounds N] [--threads N]");
    return 2;
}
var files = File.ReadAllLines(list).Where(l => l.Length > 0).ToArray();
var preparation = new ImagePreparation(ImageGeometry.ImageNet, ScaledDecoding: !args.Contains("--full-decode"));

if (command == "dump")
{
    using var preparer = preparation.CreatePreparer();
    var values = new float[preparation.Shape.Size];
    var bytes = new byte[values.Length];
    using var output = File.Create(Option("--out") ?? throw new ArgumentException("--out is required"));
    foreach (string file in files)
    {
        preparer.PrepareFile(file, 0, 0, values);
        for (int i = 0; i < values.Length; i++)
            bytes[i] = (byte)MathF.Round(values[i] * 255);
        output.Write(bytes);
    }
    Console.WriteLine($"{files.Length} crops written");
    return 0;
}

int rounds = int.Parse(Option("--rounds") ?? "3"), threads = int.Parse(Option("--threads") ?? "1");
var plan = BatchPlan.Sequential(files.Length, 32);
using var reader = new ImageFileReader(new ImageFileRows(files, new long[files.Length]), preparation, TorchSharp.torch.CPU);
void ReadEpoch(int epoch)
{
    using var producer = new BatchProducer(reader, plan.Epoch(epoch), epoch, threads, BatchProducer.DefaultReadAhead);
    foreach (var batch in producer.ReadAll())
        batch.Dispose();
}
ReadEpoch(0);
var clock = Stopwatch.StartNew();
for (int round = 0; round < rounds; round++)
    ReadEpoch(round);
double seconds = clock.Elapsed.TotalSeconds;
string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
Console.WriteLine($"{files.Length * rounds / seconds:F0} images/s ({threads} thread(s), {rounds} x {files.Length} files, {seconds:F1} s, load average {load}, {Environment.ProcessorCount} cores)");
return 0;
