using MlNetTriplet.Bench;

// cnn       : the CNN benchmark (parent): alternates the three sides and writes bench/results/cnn.{json,md}.
// cnn-one   : one run of one .NET side in this process (started by the parent, so its peak RSS is its own).
// bank      : the bank-marketing benchmark (parent): package vs PyTorch peer, bench/results/bank.{json,md}.
// bank-one  : one package run of the bank benchmark in this process.
// umap      : the UMAP benchmark (parent) against umap-learn: writes bench/results/umap.{json,md}.
// umap-one  : one package run of one UMAP case in this process.
// umap-seeds: UMAP maps of a projector export over many seeds, package vs umap-learn (span ratio, trustworthiness).
// triplet     : the triplet benchmark (parent): package vs PyTorch peer per recipe, bench/results/triplet.{json,md}.
// triplet-one : one package run of one triplet recipe in this process.
// triplet-unseen : TripletEmbedding trained on Fashion-MNIST classes 0-4, retrieval among the test images of the unseen
//                  classes 5-9 and the seen 0-4, per setting and epoch (issue 24), bench/results/triplet-unseen.{json,md}.
// transfer            : the transfer-learning benchmark (parent): package vs torchvision peer per mode,
//                       bench/results/transfer.{json,md}.
// transfer-one        : one package run of one transfer mode in this process.
// similarity          : the image-similarity benchmark (parent): photo embeddings trained on half the classes, retrieval
//                       among the other half's photos, package vs PyTorch peer per mode, bench/results/similarity.{json,md}.
// similarity-one      : one package run of one similarity mode in this process.
// transfer-memory     : peak RSS of one fine-tuning epoch over generated photos, per photo count,
//                       bench/results/transfer-memory.{json,md}.
// transfer-memory-one : one such epoch in this process.
// onnx                : ONNX Runtime on the exported CNN and ResNet-18 vs the package's Transform, and the export's time,
//                       bench/results/onnx.{json,md}.
// nearest-neighbors   : the search transform's approximate mode against its exact mode on generated vectors (recall@k,
//                       queries/s), bench/results/nearest-neighbors.{json,md}.
// export-resnet18 PATH.pt : the ImageNet ResNet-18 as a torchvision state_dict (+ PATH.preprocessing.pt) for the peers.
string command = args.Length > 0 ? args[0] : "";
string[] rest = args.Skip(1).ToArray();
if (command == "export-resnet18")
    return BackboneExport.Run(rest);
object? options;
try
{
    options = command switch
    {
        "cnn" or "cnn-one" => CnnOptions.Parse(rest),
        "bank" or "bank-one" => BankOptions.Parse(rest),
        "umap" or "umap-one" => UmapBenchOptions.Parse(rest),
        "umap-seeds" => UmapSeedsOptions.Parse(rest),
        "triplet" or "triplet-one" => TripletOptions.Parse(rest),
        "triplet-unseen" => TripletUnseenOptions.Parse(rest),
        "transfer" or "transfer-one" => TransferOptions.Parse(rest),
        "similarity" or "similarity-one" => SimilarityOptions.Parse(rest),
        "transfer-memory" or "transfer-memory-one" => TransferMemoryOptions.Parse(rest),
        "onnx" => OnnxBenchOptions.Parse(rest),
        "nearest-neighbors" => NeighborBenchOptions.Parse(rest),
        _ => null,
    };
}
catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
{
    Console.Error.WriteLine(e.Message);
    return Usage();
}

return (command, options) switch
{
    ("cnn", CnnOptions o) => CnnBenchmark.Run(o),
    ("cnn-one", CnnOptions o) => Child.Run(o),
    ("bank", BankOptions o) => BankBenchmark.Run(o),
    ("bank-one", BankOptions o) => BankBenchmark.RunPackage(o),
    ("umap", UmapBenchOptions o) => UmapBenchmark.Run(o),
    ("umap-one", UmapBenchOptions o) => UmapBenchmark.RunOne(o),
    ("umap-seeds", UmapSeedsOptions o) => UmapSeedsBenchmark.Run(o),
    ("triplet", TripletOptions o) => TripletBenchmark.Run(o),
    ("triplet-one", TripletOptions o) => TripletPackageRun.Run(o),
    ("triplet-unseen", TripletUnseenOptions o) => TripletUnseenStudy.Run(o),
    ("transfer", TransferOptions o) => TransferBenchmark.Run(o),
    ("transfer-one", TransferOptions o) => TransferPackageRun.Run(o),
    ("similarity", SimilarityOptions o) => SimilarityBenchmark.Run(o),
    ("similarity-one", SimilarityOptions o) => SimilarityPackageRun.Run(o),
    ("transfer-memory", TransferMemoryOptions o) => TransferMemory.Run(o),
    ("transfer-memory-one", TransferMemoryOptions o) => TransferMemory.RunOne(o),
    ("onnx", OnnxBenchOptions o) => OnnxBenchmark.Run(o),
    ("nearest-neighbors", NeighborBenchOptions o) => NearestNeighborsBenchmark.Run(o),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("MlNetTriplet.Bench cnn|bank|umap|umap-seeds|triplet|triplet-unseen|transfer|similarity|transfer-memory|onnx|nearest-neighbors [options]");
    Console.Error.WriteLine("MlNetTriplet.Bench export-resnet18 PATH.pt");
    Console.Error.WriteLine(CnnOptions.Usage);
    Console.Error.WriteLine(BankOptions.Usage);
    Console.Error.WriteLine(UmapBenchOptions.Usage);
    Console.Error.WriteLine(UmapSeedsOptions.Usage);
    Console.Error.WriteLine(TripletOptions.Usage);
    Console.Error.WriteLine(TripletUnseenOptions.Usage);
    Console.Error.WriteLine(TransferOptions.Usage);
    Console.Error.WriteLine(SimilarityOptions.Usage);
    Console.Error.WriteLine(TransferMemoryOptions.Usage);
    Console.Error.WriteLine(OnnxBenchOptions.Usage);
    Console.Error.WriteLine(NeighborBenchOptions.Usage);
    return 2;
}
