namespace MlNetTriplet;

/// <summary>How the training batches are drawn.</summary>
public enum TripletSampling
{
    /// <summary>Every row once per epoch in shuffled batches of <c>BatchSize</c> (the TF-Addons tutorial), for
    /// online mining.</summary>
    Shuffled,
    /// <summary><see cref="TripletEmbeddingOptions.ClassesPerBatch"/> random classes x
    /// <see cref="TripletEmbeddingOptions.SamplesPerClass"/> random rows of each (P x K batches), for online mining.</summary>
    ClassBalanced,
    /// <summary>The Keras tutorial's generator: <c>BatchSize</c> triplets per batch, each from a random positive
    /// class (anchor and positive, two different rows) and a different random class (the negative).</summary>
    RandomTriplets,
}
