namespace MlNetTriplet.Batches;

/// <summary>A data set the batch layer reads by row index (PyTorch's map-style Dataset): a worker reads single rows into
/// the slots of a <see cref="HostBatch"/>, then the filled batch becomes the training device's tensors. One
/// implementation per kind of source: rows held as tensors (<see cref="TensorRows"/>), photo files
/// (<see cref="ImageFileReader"/>), an ML.NET cursor (<see cref="CursorReader"/>).</summary>
internal interface IRowReader : IDisposable
{
    /// <summary>Rows in the data set.</summary>
    int Count { get; }

    /// <summary>Floats one row takes in a host batch; 0 when <see cref="Collate"/> gathers the rows itself.</summary>
    int RowSize { get; }

    /// <summary>A reader of single rows for one thread (it may hold a decoder or a cursor), for the rows of
    /// <paramref name="epoch"/>, which keys their random draws (augmentation).</summary>
    IRowWorker OpenWorker(int epoch);

    /// <summary>The filled rows of <paramref name="batch"/> as tensors on the training device, on the consumer's
    /// thread; the batch is refilled afterwards.</summary>
    TensorBatch Collate(HostBatch batch);
}

/// <summary>Reads rows into host batches on one thread.</summary>
internal interface IRowWorker : IDisposable
{
    /// <summary>Reads row <paramref name="row"/> (values and label) into slot <paramref name="slot"/> of
    /// <paramref name="batch"/>.</summary>
    /// <exception cref="InvalidDataException">The row cannot be read (the message names it and says why).</exception>
    void Read(int row, HostBatch batch, int slot);
}
