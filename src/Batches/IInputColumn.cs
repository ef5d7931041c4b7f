using Microsoft.ML;

namespace MlNetTriplet.Batches;

/// <summary>How one input column of ML.NET rows becomes fixed-width float rows (a vector is copied and checked; a photo
/// is decoded, resized and cropped): the type it accepts, and per cursor a reader that fills the slots of a
/// <see cref="RowBuffer"/>. Inference cursors read their input through it, and so does training's
/// <see cref="CursorReader"/>.</summary>
internal interface IInputColumn
{
    /// <summary>The column's name.</summary>
    string Name { get; }

    /// <summary>What the column is to the model ("feature", "image"), for messages.</summary>
    string Role { get; }

    /// <summary>Floats one row becomes.</summary>
    int Width { get; }

    /// <summary>Throws a schema mismatch naming the column when its type cannot be read.</summary>
    void Check(DataViewSchema.Column column);

    /// <summary>A reader of <paramref name="column"/> on <paramref name="row"/> (a cursor or a PredictionEngine row)
    /// that fills the slots of <paramref name="rows"/>; <paramref name="dataName"/> names the data in messages (null:
    /// the data being transformed).</summary>
    IColumnReader Bind(DataViewRow row, DataViewSchema.Column column, RowBuffer rows, string? dataName = null);
}

/// <summary>A cursor's reader of one column: rows are captured as the cursor moves over them, then the batch is
/// completed at once (so slow work, such as decoding photo files, can run in parallel).</summary>
internal interface IColumnReader : IDisposable
{
    /// <summary>Captures the current row into slot <paramref name="slot"/>; <paramref name="position"/> is the row's
    /// position, for messages.</summary>
    void Capture(int slot, long position);

    /// <summary>Finishes slots [0, <paramref name="count"/>).</summary>
    void Complete(int count);
}
