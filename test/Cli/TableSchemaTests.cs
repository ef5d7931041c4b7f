using Microsoft.ML;
using MlNetTriplet.Cli.Commands;
using MlNetTriplet.Cli.Tabular;

namespace MlNetTriplet.Cli.Tests;

/// <summary>Column types inferred from a file's content.</summary>
[TestClass]
public sealed class TableSchemaTests : TempFolderTests
{
    [TestMethod]
    public void Infer_UciBankFile_DetectsSemicolonsQuotesAndEveryKind()
    {
        var format = CsvFormat.Read(CliData.BankUci, null);
        Assert.AreEqual(';', format.Separator);
        Assert.AreEqual("age", format.Columns[0], "quotes stripped from the header");

        var schema = TableSchema.Infer(new MLContext(), format, "y", [], null);
        Assert.AreEqual(4521, schema.Rows);
        Assert.IsTrue(schema.Label.IsBinary);
        Assert.AreEqual("yes", schema.Label.Positive);
        var kinds = schema.Features.ToDictionary(c => c.Name, c => c.Kind);
        Assert.AreEqual(ColumnKind.Numeric, kinds["balance"]);
        Assert.AreEqual(ColumnKind.Boolean, kinds["housing"]);
        Assert.AreEqual(ColumnKind.Categorical, kinds["job"]);
        Assert.AreEqual(16, kinds.Count);
    }

    [TestMethod]
    public void Infer_IdTextAndConstantColumns_AreUsedOrLeftOutWithANote()
    {
        var rows = Enumerable.Range(0, 60).Select(i =>
            $"{1000 + i},customer-{i:D3},\"the parcel arrived {(i % 3 == 0 ? "late and damaged" : "on time")}\",same,{i % 5},{(i % 2 == 0 ? "a" : "b")}");
        string csv = Path.Combine(Folder, "mixed.csv");
        File.WriteAllLines(csv, rows.Prepend("order_id,customer,comment,country,stars,label"));

        var schema = TableSchema.Infer(new MLContext(), CsvFormat.Read(csv, null), "label", ["stars"], null);
        var columns = schema.Columns.ToDictionary(c => c.Name);
        Assert.AreEqual(ColumnKind.Ignored, columns["order_id"].Kind);
        StringAssert.Contains(columns["order_id"].Note, "ID-like");
        Assert.AreEqual(ColumnKind.Ignored, columns["customer"].Kind);
        Assert.AreEqual(ColumnKind.Text, columns["comment"].Kind);
        StringAssert.Contains(columns["country"].Note, "a single value ('same')");
        StringAssert.Contains(columns["stars"].Note, "--ignore-cols");
        Assert.AreEqual("comment", schema.Features.Single().Name);
    }

    [TestMethod]
    public void Infer_LabelWithManyValues_SaysItLooksLikeRegression()
    {
        string csv = Path.Combine(Folder, "regression.csv");
        File.WriteAllLines(csv, Enumerable.Range(0, 300).Select(i => $"{i % 7},{i * 1.5}").Prepend("x,price"));
        var e = Assert.ThrowsExactly<InputException>(() => TableSchema.Infer(new MLContext(), CsvFormat.Read(csv, null), "price", [], null));
        StringAssert.Contains(e.Message, "regression");
    }

    [TestMethod]
    public void Infer_EmptyLabelCell_NamesTheLine()
    {
        string csv = Path.Combine(Folder, "holes.csv");
        File.WriteAllLines(csv, Enumerable.Range(0, 30).Select(i => $"{i % 4},{(i == 7 ? "" : i % 2 == 0 ? "a" : "b")}").Prepend("x,label"));
        var e = Assert.ThrowsExactly<InputException>(() => TableSchema.Infer(new MLContext(), CsvFormat.Read(csv, null), "label", [], null));
        StringAssert.Contains(e.Message, "the first on line 9");
    }
}
