namespace MlNetTriplet.Images;

/// <summary>A rectangle of whole pixels.</summary>
internal readonly record struct PixelRect(int X, int Y, int Width, int Height);

/// <summary>A rectangle in pixel coordinates that may fall between pixels (Pillow's resize <c>box</c>).</summary>
internal readonly record struct Box(double X0, double Y0, double X1, double Y1)
{
    public double Width => X1 - X0;
    public double Height => Y1 - Y0;
}

/// <summary>What to resample: the <see cref="Box"/> (relative to <see cref="Region"/>, the pixels the filter may
/// read) is resized to <see cref="OutputWidth"/> x <see cref="OutputHeight"/>, of which only <see cref="Window"/> is
/// kept, mirrored left-right when <see cref="Flip"/>.</summary>
internal readonly record struct ResamplePlan(PixelRect Region, Box Box, int OutputWidth, int OutputHeight,
    PixelRect Window, bool Flip)
{
    /// <summary>torchvision's evaluation geometry on a <paramref name="width"/> x <paramref name="height"/> image:
    /// <c>Resize(shorterSide)</c> (the longer side truncated as <c>_compute_resized_output_size</c> does), then
    /// <c>CenterCrop(cropHeight, cropWidth)</c> (offsets rounded half to even, as Python's <c>round</c>).</summary>
    public static ResamplePlan Evaluation(int width, int height, int shorterSide, int cropHeight, int cropWidth)
    {
        var (outWidth, outHeight) = width <= height
            ? (shorterSide, (int)((double)shorterSide * height / width))
            : ((int)((double)shorterSide * width / height), shorterSide);
        int top = (int)Math.Round((outHeight - cropHeight) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((outWidth - cropWidth) / 2.0, MidpointRounding.ToEven);
        return new ResamplePlan(new PixelRect(0, 0, width, height), new Box(0, 0, width, height), outWidth, outHeight,
            new PixelRect(left, top, cropWidth, cropHeight), Flip: false);
    }

    /// <summary>torchvision's <c>resized_crop</c>: the crop <paramref name="crop"/> of the image resized to
    /// <paramref name="outWidth"/> x <paramref name="outHeight"/>.</summary>
    public static ResamplePlan Crop(PixelRect crop, int outWidth, int outHeight, bool flip) =>
        new(crop, new Box(0, 0, crop.Width, crop.Height), outWidth, outHeight, new PixelRect(0, 0, outWidth, outHeight), flip);

    /// <summary>This plan on the image decoded at a smaller size (JPEG DCT scaling): the box is scaled, the region
    /// widened to the whole pixels that hold it.</summary>
    public ResamplePlan Scaled(int fullWidth, int fullHeight, int scaledWidth, int scaledHeight)
    {
        double sx = (double)scaledWidth / fullWidth, sy = (double)scaledHeight / fullHeight;
        double x0 = (Region.X + Box.X0) * sx, x1 = (Region.X + Box.X1) * sx;
        double y0 = (Region.Y + Box.Y0) * sy, y1 = (Region.Y + Box.Y1) * sy;
        int left = (int)Math.Floor(x0), top = (int)Math.Floor(y0);
        int right = Math.Min(scaledWidth, (int)Math.Ceiling(x1)), bottom = Math.Min(scaledHeight, (int)Math.Ceiling(y1));
        return this with
        {
            Region = new PixelRect(left, top, right - left, bottom - top),
            Box = new Box(x0 - left, y0 - top, x1 - left, y1 - top),
        };
    }
}
