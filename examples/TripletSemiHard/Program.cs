// Online semi-hard triplet mining (the TF-Addons TripletSemiHardLoss tutorial, FaceNet) on Fashion-MNIST, inside an
// ML.NET pipeline. Run: dotnet run --project examples/TripletSemiHard -c Release [-- --quick | --help]
using MlNetTriplet;
using TripletExamples;

return TripletExample.Run(args, "TripletSemiHard",
    "Trains a 256-d L2-normalised embedding with semi-hard triplet mining (TF-Addons TripletSemiHardLoss, margin 1,\n" +
    "shuffled batches of 32, 5 epochs), scores retrieval on the test set and saves the pipeline. The network is the\n" +
    "package's standard CNN unless --network tutorial asks for the tutorial's own 2x2 CNN, whose small kernels cap\n" +
    "retrieval (MNIST test P@1 about 0.976 against 0.986).",
    TripletEmbeddingOptions.SemiHardRecipe, tutorialCnnByDefault: false);
