using System.Runtime.ExceptionServices;

namespace MlNetTriplet.Batches;

/// <summary>Reads the batches of one epoch through a reader (PyTorch's DataLoader), in the plan's order. Worker threads
/// take single rows in plan order (so one batch is spread over all of them) and fill host batches at most
/// <c>readAhead</c> batches ahead of the consumer, who takes them in order and collates each into tensors on its own
/// thread. With no workers the consumer reads each batch's rows itself when it asks for the batch (PyTorch's
/// <c>num_workers=0</c>): rows already held as tensors, where there is nothing to overlap. A row's contents depend
/// only on (reader, epoch, row), so the batches are identical whatever the number of workers. Memory is bounded: at
/// most readAhead + 1 host batches exist (readAhead being filled, one being collated), reused from batch to batch. A
/// row that cannot be read fails its batch: <see cref="Next"/> throws that row's error (the first failing row in batch
/// order) when the batch's turn comes. Cancellation or <see cref="Dispose"/> stops the workers; Dispose waits for
/// them.</summary>
internal sealed class BatchProducer : IDisposable
{
    /// <summary>Batches prepared ahead of the training step: enough to absorb a slow photo, few enough to bound memory
    /// (each host batch is rows x C x H x W floats: 19 MB for 32 photos of 3x224x224).</summary>
    public const int DefaultReadAhead = 2;

    private readonly object _gate = new();
    private readonly IRowReader _reader;
    private readonly IReadOnlyList<int[]> _batches;
    private readonly int _epoch, _readAhead, _capacity;
    private readonly Slot[] _slots;
    private readonly Stack<HostBatch> _free = new();
    private readonly Thread[] _threads;
    private readonly CancellationToken _cancellation;
    private readonly CancellationTokenRegistration _registration;
    private int _created, _nextBatch, _nextPosition, _consumed;
    private IRowWorker? _inline;
    private Exception? _failure;
    private bool _stopping;

    /// <param name="reader">The rows.</param>
    /// <param name="batches">The epoch's batches in order, each a non-empty array of row indices below the reader's
    /// count (a <see cref="BatchPlan"/>'s epoch).</param>
    /// <param name="epoch">The 0-based epoch, which keys the rows' random draws.</param>
    /// <param name="workers">Threads reading rows; 0 reads them on the consumer's thread.</param>
    /// <param name="readAhead">Batches prepared ahead of the consumer (with workers), at least 1.</param>
    /// <param name="cancellation">Stops the workers; <see cref="Next"/> then throws.</param>
    public BatchProducer(IRowReader reader, IReadOnlyList<int[]> batches, int epoch, int workers, int readAhead,
        CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        ArgumentOutOfRangeException.ThrowIfLessThan(readAhead, 1);
        foreach (var batch in batches)
            if (batch.Length == 0 || batch.Any(r => (uint)r >= (uint)reader.Count))
                throw new ArgumentException($"Each batch must hold 1 or more row indices below {reader.Count}.", nameof(batches));
        (_reader, _batches, _epoch, _readAhead, _cancellation) = (reader, batches, epoch, readAhead, cancellation);
        _capacity = batches.Count == 0 ? 1 : batches.Max(b => b.Length);
        _slots = Enumerable.Range(0, readAhead).Select(_ => new Slot()).ToArray();
        int threadCount = Math.Min(workers, batches.Sum(b => b.Length));
        _threads = new Thread[threadCount];
        for (int i = 0; i < threadCount; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"MlNetTriplet batch reader {i + 1}" };
            _threads[i].Start();
        }
        _registration = cancellation.Register(Stop);
    }

    /// <summary>How many host batches exist now (never more than readAhead + 1).</summary>
    public int BuffersCreated
    {
        get { lock (_gate) return _created; }
    }

    /// <summary>Whether every worker thread has ended (after the last row, cancellation or <see cref="Dispose"/>).</summary>
    public bool WorkersStopped => _threads.All(t => !t.IsAlive);

    /// <summary>The next batch in order as tensors (the caller's to dispose), or null after the last; waits while it
    /// is being read.</summary>
    /// <exception cref="OperationCanceledException">The cancellation token fired.</exception>
    /// <exception cref="FileNotFoundException">A photo of this batch is missing.</exception>
    /// <exception cref="InvalidDataException">A row of this batch cannot be read (the message names it).</exception>
    public TensorBatch? Next()
    {
        if (_threads.Length == 0)
            return ReadInline();
        HostBatch batch;
        lock (_gate)
        {
            _cancellation.ThrowIfCancellationRequested();
            if (_consumed >= _batches.Count)
                return null;
            var slot = _slots[_consumed % _readAhead];
            while (slot.Batch is null || slot.Remaining > 0)
            {
                _cancellation.ThrowIfCancellationRequested();
                if (_failure is not null)
                    ExceptionDispatchInfo.Throw(_failure);
                ObjectDisposedException.ThrowIf(_stopping, this);
                Monitor.Wait(_gate);
            }
            if (slot.Error is not null)
                ExceptionDispatchInfo.Throw(slot.Error);
            batch = slot.Batch;
            slot.Batch = null;
            _consumed++;
        }
        try
        {
            return _reader.Collate(batch);
        }
        finally
        {
            lock (_gate)
            {
                _free.Push(batch);
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Every batch in order.</summary>
    public IEnumerable<TensorBatch> ReadAll()
    {
        while (Next() is { } batch)
            yield return batch;
    }

    private TensorBatch? ReadInline()
    {
        _cancellation.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (_consumed >= _batches.Count)
            return null;
        if (_free.Count == 0)
        {
            _free.Push(new HostBatch(_capacity, _reader.RowSize));
            _created = 1;
        }
        var batch = _free.Peek();
        var rows = _batches[_consumed++];
        batch.Count = rows.Length;
        _inline ??= _reader.OpenWorker(_epoch);
        for (int i = 0; i < rows.Length; i++)
        {
            batch.Rows[i] = rows[i];
            _inline.Read(rows[i], batch, i);
        }
        return _reader.Collate(batch);
    }

    private void Work()
    {
        IRowWorker worker;
        try
        {
            worker = _reader.OpenWorker(_epoch);
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _failure ??= e;
                Monitor.PulseAll(_gate);
            }
            return;
        }
        using (worker)
            while (TakeRow(out int b, out int position, out var batch))
            {
                int row = _batches[b][position];
                Exception? error = null;
                try
                {
                    batch.Rows[position] = row;
                    worker.Read(row, batch, position);
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

    /// <summary>The next row to read, opening its batch (taking a host batch) when it is the batch's first; false when
    /// there is no more work or the producer stops. Waits while the consumer is readAhead batches behind.</summary>
    private bool TakeRow(out int b, out int position, out HostBatch batch)
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
                            slot.Open(buffer, _batches[_nextBatch].Length);
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

    private HostBatch? TakeBuffer()
    {
        if (_free.Count > 0)
            return _free.Pop();
        if (_created > _readAhead)
            return null;
        _created++;
        return new HostBatch(_capacity, _reader.RowSize);
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
        _inline?.Dispose();
        _registration.Dispose();
    }

    /// <summary>One batch being read: its host batch, rows still to do, the first failing row's error.</summary>
    private sealed class Slot
    {
        public HostBatch? Batch;
        public int Remaining, ErrorPosition;
        public Exception? Error;

        public void Open(HostBatch buffer, int count)
        {
            (Batch, Remaining, Error, ErrorPosition) = (buffer, count, null, 0);
            buffer.Count = count;
        }
    }
}
