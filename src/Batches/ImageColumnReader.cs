using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;
using MlNetTriplet.Images;

namespace MlNetTriplet.Batches;

/// <summary>Reads a photo column of a cursor into the slots of a <see cref="RowBuffer"/>: <see cref="Capture"/> takes
/// the cursor's current row, <see cref="Complete"/> finishes the batch. A path is only remembered at capture and
/// decoded at completion, all the batch's paths in parallel. An <see cref="MLImage"/> is prepared at capture (as
/// floats, or as bytes into a shuffle window): ImageAnalytics' getter disposes the previous image when the cursor
/// moves on. One per cursor; not thread-safe. (Prepared vectors are read by <see cref="VectorInput"/>.)</summary>
internal sealed class ImageColumnReader : IColumnReader
{
    private readonly string _columnName;
    private readonly string? _dataName;
    private readonly ImageInputKind _kind;
    private readonly ImagePreparation _preparation;
    private readonly int _epoch, _workers;
    private readonly RowBuffer _rows;
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
    /// <param name="preparation">The geometry, and the augmentation and seed (training) or none (inference).</param>
    /// <param name="epoch">The epoch, which keys the augmentation draws.</param>
    /// <param name="rows">Where rows go: floats, or bytes for decoded images waiting in a shuffle window.</param>
    /// <param name="workers">Threads decoding a batch's paths.</param>
    /// <param name="dataName">Names the data in messages; null for the data being transformed.</param>
    public ImageColumnReader(DataViewRow row, DataViewSchema.Column column, ImagePreparation preparation, int epoch,
        RowBuffer rows, int workers, string? dataName = null)
    {
        (_columnName, _preparation, _epoch, _rows, _workers, _dataName) =
            (column.Name, preparation, epoch, rows, Math.Max(1, workers), dataName);
        _kind = ImageColumn.Check(column, preparation.Shape, "image");
        if (_kind == ImageInputKind.Vector)
            throw new ArgumentException("Prepared vectors are read by VectorInput.", nameof(column));
        if (_kind == ImageInputKind.Path && rows.HoldsBytes)
            throw new ArgumentException("Photo files are decoded into float rows.", nameof(rows));
        _paths = new string?[rows.Rows];
        _positions = new long[rows.Rows];
        _errors = new Exception?[rows.Rows];
        switch (_kind)
        {
            case ImageInputKind.Path: _path = row.GetGetter<ReadOnlyMemory<char>>(column); break;
            default: _image = row.GetGetter<MLImage>(column); break;
        }
    }

    /// <summary>Takes the cursor's current row (data row <paramref name="position"/>, for messages) into
    /// <paramref name="slot"/>.</summary>
    /// <exception cref="InvalidDataException">The row has no path, no image, or an image that cannot be read.</exception>
    public void Capture(int slot, long position)
    {
        _positions[slot] = position;
        _paths[slot] = null;
        string where = $"{RowChecks.Where(_dataName, position)} of image column '{_columnName}'";
        if (_kind == ImageInputKind.Path)
        {
            ReadOnlyMemory<char> path = default;
            _path!(ref path);
            if (path.Span.IsWhiteSpace())
                throw new InvalidDataException($"{where} has an empty path.");
            _paths[slot] = path.ToString();
            return;
        }
        _image!(ref _current!);
        if (_current is null)
            throw new InvalidDataException($"{where} holds no image.");
        var preparer = _capture ??= _preparation.CreatePreparer();
        if (_rows.HoldsBytes)
            preparer.PrepareImage(_current, _epoch, position, _rows.ByteRow(slot), where);
        else
            preparer.PrepareImage(_current, _epoch, position, _rows.FloatRow(slot), where);
    }

    /// <summary>Decodes the paths captured in slots [0, <paramref name="count"/>), in parallel (images were prepared
    /// at capture).</summary>
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
                    preparer.PrepareFile(_paths[slot]!, _epoch, _positions[slot], _rows.FloatRow(slot),
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

    private ImagePreparer Preparer() => _preparers.TryTake(out var preparer) ? preparer : _preparation.CreatePreparer();

    public void Dispose()
    {
        _capture?.Dispose();
        while (_preparers.TryTake(out var preparer))
            preparer.Dispose();
    }
}
