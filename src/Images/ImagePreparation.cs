namespace MlNetTriplet.Images;

/// <summary>Everything that decides a prepared row's pixels besides the photo, the epoch and the row: the geometry,
/// the augmentation (null: evaluation geometry) and its seed, and whether big JPEGs may decode at a reduced scale
/// (<see cref="ImagePreparer.ReducingGap"/>; off reproduces Pillow's full decode exactly).</summary>
internal sealed record ImagePreparation(ImageGeometry Geometry, ImageAugmentation? Augmentation = null, long Seed = 0,
    bool ScaledDecoding = true)
{
    public ImageShape Shape => Geometry.Shape;

    /// <summary>A preparer for one thread.</summary>
    public ImagePreparer CreatePreparer() => new(this);
}
