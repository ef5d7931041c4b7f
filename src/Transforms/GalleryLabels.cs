using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Data;
using MlNetTriplet.Neighbors;

namespace MlNetTriplet.Transforms;

/// <summary>The labels of a search gallery: each row's class and what each class is. The classes of a key-typed label
/// are its keys (class c is key c + 1; every key of the type, with its value when the column has key values), so the
/// classifier's <c>PredictedLabel</c> and <c>Score</c> slots line up with the <c>Label</c> column ML.NET's evaluator
/// compares them with. The classes of any other label type are its distinct values in order of first appearance (as
/// <c>MapValueToKey</c> orders them). Rows added later keep the classes and bring their new ones at the end, matched by
/// value (a key by its key value).</summary>
internal sealed class GalleryLabels
{
    private GalleryLabels(bool isKey, ScalarValues classes, KeyValues? keyValues, int[] classOfRow)
    {
        (IsKey, Classes, KeyValues, ClassOfRow) = (isKey, classes, keyValues, classOfRow);
    }

    /// <summary>Whether the label column is a key.</summary>
    public bool IsKey { get; }

    /// <summary>What the neighbour-labels column holds for each class: the keys (of a <c>Key&lt;UInt32, classes&gt;</c>)
    /// or the label values.</summary>
    public ScalarValues Classes { get; }

    /// <summary>The values behind the keys of a key label that has them.</summary>
    public KeyValues? KeyValues { get; }

    /// <summary>Each gallery row's class (0-based).</summary>
    public int[] ClassOfRow { get; }

    public int ClassCount => Classes.Count;

    /// <summary>What each class is, as text: its key value, its key number, or its value.</summary>
    public ReadOnlyMemory<char>[] Names() => Meaning.AsText();

    /// <summary>What the classes are: the key values, or the classes themselves.</summary>
    private ScalarValues Meaning => KeyValues?.Values ?? Classes;

    /// <summary>The labels of the rows read into <paramref name="values"/> from <paramref name="column"/>; a missing
    /// label (a missing key, NaN) is refused naming its row.</summary>
    public static GalleryLabels FromColumn(DataViewSchema.Column column, ColumnValues values, string dataName)
    {
        int missing = Array.FindIndex(values.Ids, id => values.Missing[id]);
        if (missing >= 0)
            throw new InvalidDataException(
                $"{RowChecks.Where(dataName, missing)} has a missing value in label column '{column.Name}'{(column.Type is KeyDataViewType ? " (a missing key: MapValueToKey turns empty text into one)" : "")}; every gallery row needs a label.");
        if (column.Type is not KeyDataViewType key)
            return new GalleryLabels(false, values.Values, null, values.Ids);
        var keys = values.Values.As<uint>();
        return new GalleryLabels(true, ScalarValues.Keys(checked((int)key.Count)), Data.KeyValues.FromColumn(column),
            values.Ids.Select(id => (int)keys[id] - 1).ToArray());
    }

    /// <summary>These labels followed by <paramref name="added"/>'s rows, whose classes are matched to these by value
    /// (new ones appended in their order); labels of another kind or type are refused naming the column.</summary>
    public GalleryLabels Append(GalleryLabels added, string columnName)
    {
        if (added.IsKey != IsKey || (added.KeyValues is null) != (KeyValues is null)
            || added.Meaning.ItemType.RawType != Meaning.ItemType.RawType)
            throw new ArgumentException(
                $"Label column '{columnName}' of the added rows is {Describe(added)}; the gallery's labels are {Describe(this)}. Give the added rows labels of the gallery's type.",
                "rows");
        if (IsKey && KeyValues is null)
        {
            // Keys without values can only be matched by number.
            int count = Math.Max(ClassCount, added.ClassCount);
            return new GalleryLabels(true, ScalarValues.Keys(count), null, [.. ClassOfRow, .. added.ClassOfRow]);
        }
        var known = new Dictionary<string, int>();
        var names = Names();
        for (int c = 0; c < names.Length; c++)
            known.TryAdd(names[c].ToString(), c);
        var addedNames = added.Names();
        var map = new int[addedNames.Length];
        var fresh = new List<int>();
        for (int c = 0; c < addedNames.Length; c++)
        {
            string name = addedNames[c].ToString();
            if (!known.TryGetValue(name, out map[c]))
            {
                map[c] = names.Length + fresh.Count;
                known.Add(name, map[c]);
                fresh.Add(c);
            }
        }
        var rows = ClassOfRow.Concat(added.ClassOfRow.Select(c => map[c])).ToArray();
        if (!IsKey)
            return new GalleryLabels(false, Classes.Concat(added.Classes.Select(fresh)), null, rows);
        var values = Data.KeyValues.Of(KeyValues!.Values.Concat(added.KeyValues!.Values.Select(fresh)));
        return new GalleryLabels(true, ScalarValues.Keys(values.Count), values, rows);
    }

    private static string Describe(GalleryLabels labels) => labels switch
    {
        { IsKey: true, KeyValues: { } values } => $"a key with {values.ItemType} values",
        { IsKey: true } => "a key without key values",
        _ => $"{labels.Classes.ItemType}",
    };

    public void Write(BinaryWriter w)
    {
        w.Write(IsKey);
        if (IsKey)
        {
            w.Write(ClassCount);
            Data.KeyValues.WriteOptional(w, KeyValues);
        }
        else
            Classes.Write(w);
        Persist.WriteArray(w, ClassOfRow);
    }

    public static GalleryLabels Read(BinaryReader r, string what)
    {
        bool isKey = r.ReadBoolean();
        GalleryLabels labels;
        if (isKey)
        {
            int count = r.ReadInt32();
            var values = Data.KeyValues.ReadOptional(r, what);
            if (count < 1 || (values is not null && values.Count != count))
                throw new InvalidDataException($"Corrupt gallery labels: {count} classes.");
            labels = new GalleryLabels(true, ScalarValues.Keys(count), values, Persist.ReadInts(r));
        }
        else
            labels = new GalleryLabels(false, ScalarValues.Read(r), null, Persist.ReadInts(r));
        if (labels.ClassOfRow.Any(c => (uint)c >= (uint)labels.ClassCount))
            throw new InvalidDataException("Corrupt gallery labels: a row's class is out of range.");
        return labels;
    }
}
