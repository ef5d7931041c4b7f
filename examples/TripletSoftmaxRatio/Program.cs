// Random triplets with the softmax-ratio loss (the Keras triplet-network tutorial, Hoffer and Ailon) on Fashion-MNIST,
// inside an ML.NET pipeline. Run: dotnet run --project examples/TripletSoftmaxRatio -c Release [-- --quick | --help]
using MlNetTriplet;
using TripletExamples;

return TripletExample.Run(args, "TripletSoftmaxRatio",
    "Trains a 100-d embedding on random triplets with the softmax-ratio loss on L1 distances (Keras tutorial:\n" +
    "150 batches of 64 triplets x 3 epochs), scores retrieval on the test set and saves the pipeline.",
    TripletEmbeddingOptions.SoftmaxRatioRecipe, tutorialCnnByDefault: true);
