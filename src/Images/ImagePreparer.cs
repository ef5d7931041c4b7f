using Microsoft.ML.Data;

namespace MlNetTriplet.Images;

/// <summary>Turns one photo (a file, or pixels already decoded) into a network input row: decode, plan (evaluation
/// geometry, or the row's augmentation draw), resample as Pillow does, write planar values. One per thread: it owns
/// the decoder and the scratch buffers it reuses from photo to photo.</summary>
internal sealed class ImagePreparer(ImagePreparation preparation) : IDisposable
{
    /// <summary>Pillow's <c>reducing_gap</c> for JPEG drafts (as <c>Image.thumbnail</c> uses it): decode at 1/2, 1/4
    /// or 1/8 only while the decoded box stays at least twice the resized output, so the antialiased resize after it
    /// still dominates the result.</summary>
    internal const int ReducingGap = 2;

    private readonly ImageDecoder _decoder = new();
    private readonly ResampleScratch _scratch = new();
    private byte[] _grey = [];
    private byte[] _window = [];

    public ImageGeometry Geometry => preparation.Geometry;

    /// <summary>Decodes and prepares the photo at <paramref name="path"/> for row <paramref name="row"/> of
    /// <paramref name="epoch"/> into <paramref name="destination"/> (C x H x W values in [0, 1]); error messages add
    /// <paramref name="where"/> after the file name (e.g. " (row 4)").</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable image (the message names it and says why).</exception>
    public void PrepareFile(string path, int epoch, long row, Span<float> destination, string? where = null)
    {
        if (!_decoder.TryOpen(path, out string? reason))
            throw ImageDecoder.Unreadable(path, reason!, where);
        var plan = Plan(_decoder.Width, _decoder.Height, epoch, row);
        int denominator = preparation.ScaledDecoding && _decoder.CanScale ? Denominator(plan) : 1;
        if (!_decoder.TryDecode(denominator, out reason))
            throw ImageDecoder.Unreadable(path, reason!, where);
        if (denominator > 1)
            plan = plan.Scaled(_decoder.Width, _decoder.Height, _decoder.DecodedWidth, _decoder.DecodedHeight);
        var window = Resample(_decoder.Pixels, _decoder.DecodedWidth, _decoder.DecodedHeight, PixelOrder.Rgba, plan);
        PlanarPixels.Write(window, Channels, PixelOrder.Rgba, plan.Flip, Geometry.Shape, destination);
    }

    /// <summary>Prepares pixels already decoded (rows of <paramref name="width"/> x 4 bytes in
    /// <paramref name="order"/>) into planar values in [0, 1].</summary>
    public void PreparePixels(ReadOnlySpan<byte> pixels, int width, int height, PixelOrder order, int epoch, long row,
        Span<float> destination)
    {
        var plan = Plan(width, height, epoch, row);
        PlanarPixels.Write(Resample(pixels, width, height, order, plan), Channels, order, plan.Flip, Geometry.Shape, destination);
    }

    /// <summary>As <see cref="PreparePixels(ReadOnlySpan{byte}, int, int, PixelOrder, int, long, Span{float})"/>,
    /// as bytes (0-255) before scaling to [0, 1]: a quarter of the memory for rows that wait in a buffer.</summary>
    public void PreparePixels(ReadOnlySpan<byte> pixels, int width, int height, PixelOrder order, int epoch, long row,
        Span<byte> destination)
    {
        var plan = Plan(width, height, epoch, row);
        PlanarPixels.Write(Resample(pixels, width, height, order, plan), Channels, order, plan.Flip, Geometry.Shape, destination);
    }

    /// <summary>Prepares an ImageAnalytics image (RGBA or BGRA bytes, alpha premultiplied as Skia decoded it) into
    /// planar values in [0, 1]; <paramref name="where"/> names the row in messages ("Row 4 of image column 'Image'").</summary>
    /// <exception cref="InvalidDataException">The image is too small, padded, or in another pixel format.</exception>
    public void PrepareImage(MLImage image, int epoch, long row, Span<float> destination, string where) =>
        PreparePixels(image.Pixels, image.Width, image.Height, CheckImage(image, where), epoch, row, destination);

    /// <summary>As <see cref="PrepareImage(MLImage, int, long, Span{float}, string)"/>, as bytes.</summary>
    public void PrepareImage(MLImage image, int epoch, long row, Span<byte> destination, string where) =>
        PreparePixels(image.Pixels, image.Width, image.Height, CheckImage(image, where), epoch, row, destination);

    private static PixelOrder CheckImage(MLImage image, string where)
    {
        if (image.Width < ImageDecoder.MinimumSide || image.Height < ImageDecoder.MinimumSide)
            throw new InvalidDataException(
                $"{where} holds a {image.Width}x{image.Height} image; images must be at least {ImageDecoder.MinimumSide} pixels on each side.");
        if (image.Pixels.Length != image.Width * image.Height * 4)
            throw new InvalidDataException($"{where} holds an image whose rows are padded; expected {image.Width * 4} bytes a row.");
        return image.PixelFormat switch
        {
            MLPixelFormat.Rgba32 => PixelOrder.Rgba,
            MLPixelFormat.Bgra32 => PixelOrder.Bgra,
            var other => throw new InvalidDataException($"{where} holds an image in pixel format {other}; expected Rgba32 or Bgra32."),
        };
    }

    private int Channels => Geometry.Shape.Channels == 1 ? 1 : 4;

    private ResamplePlan Plan(int width, int height, int epoch, long row)
    {
        if (preparation.Augmentation is not { } augmentation)
            return Geometry.Evaluation(width, height);
        var random = new RowRandom(preparation.Seed, epoch, row);
        return augmentation.Draw(width, height, Geometry, ref random);
    }

    /// <summary>The largest JPEG reduction (8, 4, 2, else 1) that keeps the box at least <see cref="ReducingGap"/>
    /// times the resized output on both axes.</summary>
    private static int Denominator(in ResamplePlan plan)
    {
        for (int d = 8; d > 1; d /= 2)
            if (plan.Box.Width >= (double)ReducingGap * d * plan.OutputWidth
                && plan.Box.Height >= (double)ReducingGap * d * plan.OutputHeight)
                return d;
        return 1;
    }

    /// <summary>The plan's window, interleaved (4 bytes a pixel in the source's order, or 1 for grey).</summary>
    private ReadOnlySpan<byte> Resample(ReadOnlySpan<byte> pixels, int width, int height, PixelOrder order, in ResamplePlan plan)
    {
        int channels = Channels;
        ReadOnlySpan<byte> source = pixels;
        if (channels == 1)
        {
            EnsureLength(ref _grey, width * height);
            PlanarPixels.ToLuma(pixels, order, _grey.AsSpan(0, width * height));
            source = _grey.AsSpan(0, width * height);
        }
        int length = plan.Window.Width * plan.Window.Height * channels;
        EnsureLength(ref _window, length);
        PilResampler.Resample(source, width * channels, channels, plan, _window.AsSpan(0, length), _scratch);
        return _window.AsSpan(0, length);
    }

    private static void EnsureLength(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
            buffer = GC.AllocateUninitializedArray<byte>(length);
    }

    public void Dispose() => _decoder.Dispose();
}
