using System.Runtime.ExceptionServices;

namespace MlNetTriplet.Images;

/// <summary>Prepares the batches of one epoch from photos on disk on background threads, at most
/// <c>readAhead</c> batches ahead of the consumer, and hands them out in order. Workers take single rows (so one
/// batch is spread over all of them), each row's pixels depend only on (path, geometry, seed, epoch, row), so the
/// batches are identical whatever the number of workers. Memory is bounded: at most readAhead + 1 batch buffers
/// exist (readAhead being filled, one held by the consumer), reused from batch to batch. A row that cannot be read
/// fails its batch: <see cref="Next"/> throws that row's error (the file and the reason) when the batch's turn comes.
/// Cancellation or <see cref="Dispose"/> stops the workers; Dispose waits for them.</summary>
internal sealed class ImageBatchProducer : IDisposable
{
    private readonly object _gate = new();
    private readonly ImageFileRows _rows;
    private readonly IReadOnlyList<int[]> _batches;
    private readonly int _epoch, _readAhead, _capacity, _rowSize;
    private readonly Slot[] _slots;
    private readonly Stack<ImageBatch> _free = new();
    private readonly Thread[] _threads;
    private readonly CancellationToken _cancellation;
    private readonly CancellationTokenRegistration _registration;
    private int _created, _nextBatch, _nextPosition, _consumed;
    private ImageBatch? _held;
    private bool _stopping;

    /// <param name="rows">The photos and their labels.</param>
    /// <param name="batches">The epoch's batches in order, each a non-empty list of indices into <paramref name="rows"/>.</param>
    /// <param name="preparation">Geometry, augmentation and seed.</param>
    /// <param name="epoch">The 0-based epoch, which keys the augmentation draws.</param>
    /// <param name="workers">Decoding threads, at least 1.</param>
    /// <param name="readAhead">Batches prepared ahead of the consumer, at least 1.</param>
    /// <param name="cancellation">Stops the workers; <see cref="Next"/> then throws.</param>
    public ImageBatchProducer(ImageFileRows rows, IReadOnlyList<int[]> batches, ImagePreparation preparation,
        int epoch, int workers, int readAhead, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(readAhead, 1);
        foreach (var batch in batches)
            if (batch.Length == 0 || batch.Any(r => (uint)r >= (uint)rows.Count))
                throw new ArgumentException($"Each batch must hold 1 or more row indices below {rows.Count}.", nameof(batches));
        (_rows, _batches, _epoch, _readAhead, _cancellation) = (rows, batches, epoch, readAhead, cancellation);
        _capacity = batches.Count == 0 ? 1 : batches.Max(b => b.Length);
        _rowSize = preparation.Shape.Size;
        _slots = Enumerable.Range(0, readAhead).Select(_ => new Slot()).ToArray();
        int threadCount = Math.Min(workers, Math.Max(1, batches.Sum(b => b.Length)));
        _threads = new Thread[threadCount];
        for (int i = 0; i < threadCount; i++)
        {
            _threads[i] = new Thread(() => Work(preparation)) { IsBackground = true, Name = $"MlNetTriplet image decoder {i + 1}" };
            _threads[i].Start();
        }
        _registration = cancellation.Register(Stop);
    }

    /// <summary>How many batch buffers exist now (never more than readAhead + 1).</summary>
    public int BuffersCreated
    {
        get { lock (_gate) return _created; }
    }

    /// <summary>Whether every worker thread has ended (after the last row, cancellation or <see cref="Dispose"/>).</summary>
    public bool WorkersStopped => _threads.All(t => !t.IsAlive);

    /// <summary>The next batch in order, or null after the last. Valid until the next call; waits while it is
    /// being prepared.</summary>
    /// <exception cref="OperationCanceledException">The cancellation token fired.</exception>
    /// <exception cref="FileNotFoundException">A photo of this batch is missing.</exception>
    /// <exception cref="InvalidDataException">A photo of this batch cannot be read (the message names it).</exception>
    public ImageBatch? Next()
    {
        lock (_gate)
        {
            if (_held is not null)
            {
                _free.Push(_held);
                _held = null;
                Monitor.PulseAll(_gate);
            }
            _cancellation.ThrowIfCancellationRequested();
            if (_consumed >= _batches.Count)
                return null;
            var slot = _slots[_consumed % _readAhead];
            while (slot.Batch is null || slot.Remaining > 0)
            {
                _cancellation.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(_stopping, this);
                Monitor.Wait(_gate);
            }
            if (slot.Error is not null)
                ExceptionDispatchInfo.Throw(slot.Error);
            _held = slot.Batch;
            slot.Batch = null;
            _consumed++;
            Monitor.PulseAll(_gate);
            return _held;
        }
    }

    /// <summary>Every batch in order, each valid until the enumeration moves on.</summary>
    public IEnumerable<ImageBatch> ReadAll()
    {
        while (Next() is { } batch)
            yield return batch;
    }

    private void Work(ImagePreparation preparation)
    {
        using var preparer = preparation.CreatePreparer();
        while (TakeRow(out int b, out int position, out var batch))
        {
            int row = _batches[b][position];
            Exception? error = null;
            try
            {
                preparer.PrepareFile(_rows.Paths[row], _epoch, row, batch.Row(position), $" (row {row})");
                batch.Labels[position] = _rows.Labels[row];
                batch.Rows[position] = row;
            }
            catch (Exception e)
            {
                error = e;
            }
            lock (_gate)
            {
                var slot = _slots[b % _readAhead];
                if (error is not null && (slot.Error is null || position < slot.ErrorPosition))
                    (slot.Error, slot.ErrorPosition) = (error, position);
                if (--slot.Remaining == 0)
                    Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>The next row to prepare, opening its batch (taking a buffer) when it is the batch's first; false when
    /// there is no more work or the producer stops. Waits while the consumer is readAhead batches behind.</summary>
    private bool TakeRow(out int b, out int position, out ImageBatch batch)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_stopping || _cancellation.IsCancellationRequested || _nextBatch >= _batches.Count)
                {
                    (b, position, batch) = (0, 0, null!);
                    return false;
                }
                if (_nextBatch < _consumed + _readAhead)
                {
                    var slot = _slots[_nextBatch % _readAhead];
                    if (_nextPosition == 0 && slot.Batch is null)
                    {
                        var buffer = TakeBuffer();
                        if (buffer is not null)
                            slot.Open(buffer, _nextBatch, _batches[_nextBatch].Length);
                    }
                    if (slot.Batch is not null)
                    {
                        (b, position, batch) = (_nextBatch, _nextPosition, slot.Batch);
                        if (++_nextPosition == _batches[b].Length)
                            (_nextBatch, _nextPosition) = (_nextBatch + 1, 0);
                        return true;
                    }
                }
                Monitor.Wait(_gate);
            }
        }
    }

    private ImageBatch? TakeBuffer()
    {
        if (_free.Count > 0)
            return _free.Pop();
        if (_created > _readAhead)
            return null;
        _created++;
        return new ImageBatch(_capacity, _rowSize);
    }

    private void Stop()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
    }

    public void Dispose()
    {
        Stop();
        foreach (var thread in _threads)
            thread.Join();
        _registration.Dispose();
    }

    /// <summary>One batch being prepared: its buffer, rows still to do, the first failing row's error.</summary>
    private sealed class Slot
    {
        public ImageBatch? Batch;
        public int Remaining, ErrorPosition;
        public Exception? Error;

        public void Open(ImageBatch buffer, int index, int count)
        {
            (Batch, Remaining, Error, ErrorPosition) = (buffer, count, null, 0);
            buffer.Index = index;
            buffer.Count = count;
        }
    }
}
