using Microsoft.ML;
using MlNetTriplet.Data;
using MlNetTriplet.Images;
using static TorchSharp.torch;

namespace MlNetTriplet.Batches;

/// <summary>Rows of an ML.NET data view that can only be read in order: decoded images (<c>LoadImages</c>) or prepared
/// pixel vectors, with their labels. One worker reads a cursor from the start each epoch and keeps the rows it has read
/// but not yet handed out in a window (images prepared and waiting as bytes, a quarter of the memory) until the plan
/// asks for them: a plan shuffled through the same window (<see cref="BatchPlan.Shuffled"/>) never needs more, so
/// memory is bounded by the window's rows x C x H x W bytes.
/// Rows are read by the column readers inference cursors use (<see cref="ImageColumnReader"/>,
/// <see cref="VectorInput"/>).</summary>
internal sealed class CursorReader : IRowReader
{
    private readonly IDataView _data;
    private readonly DataViewSchema.Column _image, _label;
    private readonly ImageInputKind _kind;
    private readonly ImagePreparation _preparation;
    private readonly int _window;
    private readonly string _dataName;
    private readonly Device _device;
    private int _openWorkers;

    /// <param name="data">The data; its cursor must give the same rows every time.</param>
    /// <param name="imageColumn">The image column: an Image column or a vector of the preparation's size.</param>
    /// <param name="labelColumn">The key (or Boolean) label column.</param>
    /// <param name="preparation">Geometry, augmentation (images only) and seed.</param>
    /// <param name="count">Rows the data has (counted before training).</param>
    /// <param name="window">Rows the reader may hold waiting, at least 1.</param>
    /// <param name="dataName">Names the data in messages ("Training data").</param>
    /// <param name="device">Where batches go.</param>
    public CursorReader(IDataView data, string imageColumn, string labelColumn, ImagePreparation preparation, int count,
        int window, string dataName, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        (_data, _preparation, Count, _dataName, _device) = (data, preparation, count, dataName, device);
        (_image, _label) = (data.Schema[imageColumn], data.Schema[labelColumn]);
        _kind = Check(_image, preparation);
        _window = Math.Clamp(window, 1, Math.Max(1, count));
    }

    public int Count { get; }
    public int RowSize => _preparation.Shape.Size;

    /// <summary>The kind of <paramref name="image"/>, checked: decoded images or vectors, and no augmentation of vectors
    /// (there is no photo left to crop).</summary>
    public static ImageInputKind Check(DataViewSchema.Column image, ImagePreparation preparation)
    {
        var kind = ImageColumn.Check(image, preparation.Shape, "image");
        if (kind == ImageInputKind.Path)
            throw new ArgumentException($"Column '{image.Name}' holds paths: read them with ImageFileReader.", nameof(image));
        if (kind == ImageInputKind.Vector && preparation.Augmentation is not null)
            throw new ArgumentException(
                $"Augmentation needs photos, but image column '{image.Name}' holds prepared pixel vectors. Give a column of image paths or mlContext.Transforms.LoadImages' output, or turn augmentation off.",
                nameof(preparation));
        return kind;
    }

    /// <summary>The worker that reads the cursor; one at a time (a cursor is read in order).</summary>
    public IRowWorker OpenWorker(int epoch)
    {
        if (Interlocked.Increment(ref _openWorkers) > 1)
        {
            Interlocked.Decrement(ref _openWorkers);
            throw new InvalidOperationException("A cursor is read in order by one worker.");
        }
        try
        {
            return new Worker(this, epoch);
        }
        catch
        {
            Interlocked.Decrement(ref _openWorkers);
            throw;
        }
    }

    public TensorBatch Collate(HostBatch batch) => batch.ToDevice(_preparation.Shape.Dims, _device);

    public void Dispose()
    {
    }

    private sealed class Worker : IRowWorker
    {
        private readonly CursorReader _reader;
        private readonly DataViewRowCursor _cursor;
        private readonly ClassLabels _labels;
        private readonly IColumnReader _column;
        private readonly RowBuffer _window;
        private readonly long[] _windowLabels;
        private readonly Dictionary<int, int> _slotOfRow = [];
        private readonly Stack<int> _free = new();
        private int _read;
        private Exception? _failure;

        public Worker(CursorReader reader, int epoch)
        {
            _reader = reader;
            int capacity = reader._window;
            _window = reader._kind == ImageInputKind.Image
                ? RowBuffer.OfBytes(capacity, reader.RowSize)
                : RowBuffer.OfFloats(capacity, reader.RowSize);
            _windowLabels = new long[capacity];
            for (int slot = capacity - 1; slot >= 0; slot--)
                _free.Push(slot);
            _cursor = reader._data.GetRowCursor([reader._image, reader._label]);
            try
            {
                _labels = new ClassLabels(_cursor, reader._label, reader._dataName);
                _column = reader._kind == ImageInputKind.Image
                    ? new ImageColumnReader(_cursor, reader._image, reader._preparation, epoch, _window, workers: 1, reader._dataName)
                    : new VectorInput(reader._image.Name, "image", reader.RowSize).Bind(_cursor, reader._image, _window, reader._dataName);
            }
            catch
            {
                _cursor.Dispose();
                throw;
            }
        }

        /// <summary>Reads the cursor on until <paramref name="row"/> has been read, keeping the rows passed on the way,
        /// then hands the row out and frees its place.</summary>
        /// <exception cref="InvalidDataException">The data has fewer rows than counted, or a row cannot be read.</exception>
        public void Read(int row, HostBatch batch, int slot)
        {
            if (_failure is not null)
                throw new InvalidOperationException($"The cursor stopped at row {_read}: {_failure.Message}", _failure);
            int held;
            while (!_slotOfRow.TryGetValue(row, out held))
            {
                if (_free.Count == 0)
                    throw new InvalidOperationException(
                        $"Row {row} is further ahead than the {_window.Rows} rows this reader may hold: the plan does not fit its window.");
                try
                {
                    if (!_cursor.MoveNext())
                        throw new InvalidDataException(
                            $"{_reader._dataName} ended after {_read} rows, but {_reader.Count} were counted before training: the data changed between two passes.");
                    int free = _free.Peek();
                    _windowLabels[free] = _labels.Read(_read);
                    _column.Capture(free, _read);
                    _slotOfRow[_read++] = _free.Pop();
                }
                catch (Exception e)
                {
                    // The cursor has moved past a row it could not keep: the rows after it would be misnumbered.
                    _failure = e;
                    throw;
                }
            }
            _window.CopyRow(held, batch.Row(slot));
            batch.Labels[slot] = _windowLabels[held];
            _slotOfRow.Remove(row);
            _free.Push(held);
        }

        public void Dispose()
        {
            _column.Dispose();
            _cursor.Dispose();
            Interlocked.Decrement(ref _reader._openWorkers);
        }
    }
}
