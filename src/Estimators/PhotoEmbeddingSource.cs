namespace MlNetTriplet;

/// <summary>What a photo embedding model embeds with once trained (<see cref="TripletEmbeddingOptions.EmbeddingSource"/>).</summary>
public enum PhotoEmbeddingSource
{
    /// <summary>The embedding head's output: <see cref="TripletEmbeddingOptions.EmbeddingSize"/> values.</summary>
    Head,
    /// <summary>The trained backbone's pooled features, L2-normalised; the head serves training only, as SimCLR's
    /// projection head does (Chen et al. 2020). The backbone's width (512 for ResNet-18).</summary>
    Backbone,
    /// <summary>The trained backbone's pooled features and the same backbone's untrained ones, each L2-normalised and
    /// scaled by 1/sqrt(2), side by side: the cosine similarity of two embeddings is the mean of the two networks'
    /// (an output-space ensemble of the fine-tuned and the pretrained network, as WiSE-FT's, Wortsman et al. 2022).
    /// Twice the backbone's width; the blocks that trained run twice (once with their pretrained weights), the frozen
    /// ones once.</summary>
    BackboneAndPretrained,
}
