using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Transforms;

namespace MlNetTriplet.Images;

/// <summary>Fills a batch of network inputs from a photo column, row by row, for a batched cursor: <see cref="Capture"/>
/// takes the cursor's current row into a slot, <see cref="Complete"/> finishes the batch. A path is only remembered at
/// capture and decoded at completion, all the batch's paths in parallel. An <see cref="MLImage"/> is prepared at capture:
/// ImageAnalytics' getter disposes the previous image when the cursor moves on. Evaluation geometry only (inference
/// never augments). One per cursor; not thread-safe. (Prepared vectors are read by <see cref="VectorInput"/>.)</summary>
internal sealed class ImageColumnReader : IRowInput
{
    private readonly string _columnName;
    private readonly ImageInputKind _kind;
    private readonly ImagePreparation _preparation;
    private readonly float[] _batch;
    private readonly int _rowSize, _workers;
    private readonly ValueGetter<ReadOnlyMemory<char>>? _path;
    private readonly ValueGetter<MLImage>? _image;
    private readonly string?[] _paths;
    private readonly long[] _positions;
    private readonly Exception?[] _errors;
    private readonly ConcurrentBag<ImagePreparer> _preparers = [];
    private ImagePreparer? _capture;
    private MLImage? _current;

    /// <param name="row">The cursor whose current row <see cref="Capture"/> reads.</param>
    /// <param name="column">The image column, checked with <see cref="ImageColumn.Check(DataViewSchema.Column, ImageShape, string)"/>.</param>
    /// <param name="preparation">The evaluation geometry.</param>
    /// <param name="batch">Where rows go: capacity x C x H x W values, row after row.</param>
    /// <param name="workers">Threads decoding a batch's paths.</param>
    public ImageColumnReader(DataViewRow row, DataViewSchema.Column column, ImagePreparation preparation, float[] batch,
        int workers)
    {
        (_columnName, _preparation, _batch, _workers) = (column.Name, preparation, batch, Math.Max(1, workers));
        _rowSize = preparation.Shape.Size;
        _kind = ImageColumn.Check(column, preparation.Shape, "image");
        if (_kind == ImageInputKind.Vector)
            throw new ArgumentException("Prepared vectors are read by VectorInput.", nameof(column));
        int capacity = batch.Length / _rowSize;
        _paths = new string?[capacity];
        _positions = new long[capacity];
        _errors = new Exception?[capacity];
        switch (_kind)
        {
            case ImageInputKind.Path: _path = row.GetGetter<ReadOnlyMemory<char>>(column); break;
            default: _image = row.GetGetter<MLImage>(column); break;
        }
    }

    /// <summary>Takes the cursor's current row (data row <paramref name="position"/>, for messages) into
    /// <paramref name="slot"/>.</summary>
    /// <exception cref="InvalidDataException">The row has no path, no image, or a vector of the wrong size.</exception>
    public void Capture(int slot, long position)
    {
        _positions[slot] = position;
        _paths[slot] = null;
        var destination = _batch.AsSpan(slot * _rowSize, _rowSize);
        switch (_kind)
        {
            case ImageInputKind.Path:
                ReadOnlyMemory<char> path = default;
                _path!(ref path);
                if (path.Span.IsWhiteSpace())
                    throw new InvalidDataException($"Row {position} of image column '{_columnName}' has an empty path.");
                _paths[slot] = path.ToString();
                break;
            default:
                _image!(ref _current!);
                if (_current is null)
                    throw new InvalidDataException($"Row {position} of image column '{_columnName}' holds no image.");
                PrepareImage(_current, _capture ??= _preparation.CreatePreparer(), epoch: 0, position, destination, _columnName);
                break;
        }
    }

    /// <summary>Decodes the paths captured in slots [0, <paramref name="count"/>), in parallel.</summary>
    /// <exception cref="FileNotFoundException">A file is missing (the message names it and its row).</exception>
    /// <exception cref="InvalidDataException">A file is not a readable image (the message names it, its row and why).</exception>
    public void Complete(int count)
    {
        if (_kind != ImageInputKind.Path || count == 0)
            return;
        Array.Clear(_errors);
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = _workers },
            Preparer,
            (slot, _, preparer) =>
            {
                try
                {
                    preparer.PrepareFile(_paths[slot]!, 0, _positions[slot], _batch.AsSpan(slot * _rowSize, _rowSize),
                        $" (row {_positions[slot]} of column '{_columnName}')");
                }
                catch (Exception e)
                {
                    _errors[slot] = e;
                }
                return preparer;
            },
            _preparers.Add);
        // The first failing row in batch order, whichever thread met it first.
        if (Array.Find(_errors, e => e is not null) is { } error)
            ExceptionDispatchInfo.Throw(error);
    }

    /// <summary>Prepares an ImageAnalytics image (RGBA or BGRA bytes, alpha premultiplied as Skia decoded it).</summary>
    internal static void PrepareImage(MLImage image, ImagePreparer preparer, int epoch, long position,
        Span<float> destination, string columnName)
    {
        var order = CheckImage(image, position, columnName);
        preparer.PreparePixels(image.Pixels, image.Width, image.Height, order, epoch, position, destination);
    }

    /// <summary>As <see cref="PrepareImage(MLImage, ImagePreparer, int, long, Span{float}, string)"/>, as bytes.</summary>
    internal static void PrepareImage(MLImage image, ImagePreparer preparer, int epoch, long position,
        Span<byte> destination, string columnName)
    {
        var order = CheckImage(image, position, columnName);
        preparer.PreparePixels(image.Pixels, image.Width, image.Height, order, epoch, position, destination);
    }

    private static PixelOrder CheckImage(MLImage image, long position, string columnName)
    {
        if (image.Width < ImageDecoder.MinimumSide || image.Height < ImageDecoder.MinimumSide)
            throw new InvalidDataException(
                $"Row {position} of image column '{columnName}' holds a {image.Width}x{image.Height} image; images must be at least {ImageDecoder.MinimumSide} pixels on each side.");
        if (image.Pixels.Length != image.Width * image.Height * 4)
            throw new InvalidDataException(
                $"Row {position} of image column '{columnName}' holds an image whose rows are padded; expected {image.Width * 4} bytes a row.");
        return image.PixelFormat switch
        {
            MLPixelFormat.Rgba32 => PixelOrder.Rgba,
            MLPixelFormat.Bgra32 => PixelOrder.Bgra,
            var other => throw new InvalidDataException(
                $"Row {position} of image column '{columnName}' holds an image in pixel format {other}; expected Rgba32 or Bgra32."),
        };
    }

    private ImagePreparer Preparer() => _preparers.TryTake(out var preparer) ? preparer : _preparation.CreatePreparer();

    public void Dispose()
    {
        _capture?.Dispose();
        while (_preparers.TryTake(out var preparer))
            preparer.Dispose();
    }
}
