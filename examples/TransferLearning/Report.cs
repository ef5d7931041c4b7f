using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning;

/// <summary>Names of the model's classes for the report.</summary>
internal static class Report
{
    /// <summary>The label values (folder names) behind the key column, in key order.</summary>
    public static List<string> ClassNames(DataViewSchema.Column labelKeyColumn)
    {
        VBuffer<ReadOnlyMemory<char>> values = default;
        labelKeyColumn.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToList();
    }
}
