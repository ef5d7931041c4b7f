using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;

namespace MlNetTriplet.Images;

/// <summary>The batches of one epoch read from a cursor over decoded images (<see cref="MLImage"/>) or prepared
/// vectors, on one background thread, at most readAhead batches ahead of the consumer. Rows pass through a seeded
/// shuffle buffer of bounded size (TensorFlow's <c>Dataset.shuffle</c>: each incoming row replaces a random one, which
/// goes to the batch; the rest leave in random order at the end); a buffer of 1 row keeps the data's order. Images
/// wait in the buffer already prepared, as bytes, so memory is bounded by the buffer's rows x C x H x W bytes plus
/// readAhead + 1 batch buffers. The order and the augmentation draws depend only on (seed, epoch, data row).</summary>
internal sealed class CursorBatchProducer : IDisposable
{
    private readonly IDataView _data;
    private readonly DataViewSchema.Column _image, _label;
    private readonly ImageInputKind _kind;
    private readonly ImagePreparation _preparation;
    private readonly int _epoch, _batchSize, _bufferRows, _maxBuffers;
    private readonly string _dataName;
    private readonly BlockingCollection<ImageBatch> _ready = new(new ConcurrentQueue<ImageBatch>());
    private readonly BlockingCollection<ImageBatch> _free = new(new ConcurrentBag<ImageBatch>());
    private readonly CancellationTokenSource _stop;
    private readonly Thread _thread;
    private int _created;
    private ImageBatch? _held;
    private Exception? _error;

    public CursorBatchProducer(IDataView data, string imageColumn, string labelColumn, ImagePreparation preparation,
        int epoch, int batchSize, int shuffleBufferRows, int readAhead, string dataName, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shuffleBufferRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(readAhead, 1);
        (_data, _preparation, _epoch, _batchSize, _bufferRows, _dataName) =
            (data, preparation, epoch, batchSize, shuffleBufferRows, dataName);
        _image = data.Schema[imageColumn];
        _label = data.Schema[labelColumn];
        _kind = Check(_image, preparation);
        _maxBuffers = readAhead + 1;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _thread = new Thread(Produce) { IsBackground = true, Name = "MlNetTriplet image reader" };
        _thread.Start();
    }

    /// <summary>The kind of <paramref name="image"/>, checked: decoded images or vectors, and no augmentation of
    /// vectors (there is no photo left to crop).</summary>
    public static ImageInputKind Check(DataViewSchema.Column image, ImagePreparation preparation)
    {
        var kind = ImageColumn.Check(image, preparation.Shape, "image");
        if (kind == ImageInputKind.Path)
            throw new ArgumentException($"Column '{image.Name}' holds paths: stream them with ImageBatchProducer.", nameof(image));
        if (kind == ImageInputKind.Vector && preparation.Augmentation is not null)
            throw new ArgumentException(
                $"Augmentation needs photos, but image column '{image.Name}' holds prepared pixel vectors. Give a column of image paths or mlContext.Transforms.LoadImages' output, or turn augmentation off.",
                nameof(preparation));
        return kind;
    }

    /// <summary>How many batch buffers exist now (never more than readAhead + 1).</summary>
    public int BuffersCreated => Volatile.Read(ref _created);

    /// <summary>The next batch, or null after the last; valid until the next call.</summary>
    /// <exception cref="OperationCanceledException">The cancellation token fired.</exception>
    /// <exception cref="InvalidDataException">A row could not be read (the message names it).</exception>
    public ImageBatch? Next()
    {
        if (_held is not null)
            _free.Add(_held);
        _held = null;
        if (_ready.TryTake(out var batch, Timeout.Infinite, _stop.Token))
            return _held = batch;
        if (_error is not null)
            ExceptionDispatchInfo.Throw(_error);
        return null;
    }

    private void Produce()
    {
        try
        {
            Read();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _error = e;
        }
        finally
        {
            _ready.CompleteAdding();
        }
    }

    private void Read()
    {
        int rowSize = _preparation.Shape.Size;
        bool bytes = _kind == ImageInputKind.Image;
        var store = new RowStore(_bufferRows, rowSize, bytes);
        var labels = new long[_bufferRows];
        var rows = new int[_bufferRows];
        var random = new RowRandom(_preparation.Seed, _epoch, row: -1);
        using var preparer = _preparation.CreatePreparer();
        using var cursor = _data.GetRowCursor([_image, _label]);
        var keys = new ClassLabels(cursor, _label, _dataName);
        var getImage = bytes ? cursor.GetGetter<MLImage>(_image) : null;
        var getVector = bytes ? null : cursor.GetGetter<VBuffer<float>>(_image);
        MLImage image = null!;
        VBuffer<float> vector = default;
        ImageBatch? batch = null;
        int held = 0, position = 0;
        while (cursor.MoveNext())
        {
            _stop.Token.ThrowIfCancellationRequested();
            int slot;
            if (held < _bufferRows)
                slot = held++;
            else
            {
                // The buffer is full: a random buffered row leaves, the new row takes its place.
                slot = random.NextInt(_bufferRows);
                Emit(ref batch, store, slot, labels[slot], rows[slot]);
            }
            labels[slot] = keys.Read(position);
            rows[slot] = position;
            if (getImage is not null)
            {
                getImage(ref image);
                if (image is null)
                    throw new InvalidDataException($"{_dataName}: row {position} of image column '{_image.Name}' holds no image.");
                ImageColumnReader.PrepareImage(image, preparer, _epoch, position, store.Bytes(slot), _image.Name);
            }
            else
            {
                getVector!(ref vector);
                var values = store.Floats(slot);
                vector.CopyTo(values);
                RowChecks.CheckFinite(values, _dataName, position, _image, "image");
            }
            position++;
        }
        if (position == 0)
            throw new InvalidDataException($"{_dataName} is empty: image column '{_image.Name}' has no rows.");
        // The rows still buffered leave in a random order.
        var rest = Enumerable.Range(0, held).ToArray();
        for (int i = held - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (rest[i], rest[j]) = (rest[j], rest[i]);
        }
        foreach (int slot in rest)
            Emit(ref batch, store, slot, labels[slot], rows[slot]);
        if (batch is { Count: > 0 })
            _ready.Add(batch);
    }

    /// <summary>Appends a buffered row to the batch being filled, handing the batch out when it is full.</summary>
    private void Emit(ref ImageBatch? batch, RowStore store, int slot, long label, int row)
    {
        if (batch is null)
        {
            batch = TakeBuffer();
            batch.Count = 0;
        }
        int i = batch.Count++;
        store.CopyTo(slot, batch.Row(i));
        batch.Labels[i] = label;
        batch.Rows[i] = row;
        if (batch.Count == _batchSize)
        {
            _ready.Add(batch);
            batch = null;
        }
    }

    private ImageBatch TakeBuffer()
    {
        if (_free.TryTake(out var buffer))
            return buffer;
        if (_created < _maxBuffers)
        {
            _created++;
            return new ImageBatch(_batchSize, _preparation.Shape.Size);
        }
        return _free.Take(_stop.Token);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
        _ready.Dispose();
        _free.Dispose();
    }

    /// <summary>The shuffle buffer's rows: bytes for images (prepared, before scaling), floats for vectors.</summary>
    private sealed class RowStore(int rows, int rowSize, bool bytes)
    {
        private readonly byte[] _bytes = bytes ? new byte[checked(rows * rowSize)] : [];
        private readonly float[] _floats = bytes ? [] : new float[checked(rows * rowSize)];

        public Span<byte> Bytes(int slot) => _bytes.AsSpan(slot * rowSize, rowSize);
        public Span<float> Floats(int slot) => _floats.AsSpan(slot * rowSize, rowSize);

        public void CopyTo(int slot, Span<float> destination)
        {
            if (bytes)
                PlanarPixels.Scale(Bytes(slot), destination);
            else
                Floats(slot).CopyTo(destination);
        }
    }
}
