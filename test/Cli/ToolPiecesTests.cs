using MlNetTriplet.Cli.Consumption;
using MlNetTriplet.Cli.Report;
using MlNetTriplet.Cli.Running;
using MlNetTriplet.Cli.Tabular;

namespace MlNetTriplet.Cli.Tests;

/// <summary>The budget's planning, the code generator's names and the paths reports show, in process.</summary>
[TestClass]
public sealed class ToolPiecesTests
{
    [TestMethod]
    public void ShownPath_InsideTheWorkingDirectory_IsRelativeAndElsewhereFull()
    {
        string here = Environment.CurrentDirectory;
        string beside = Path.Combine(Path.GetDirectoryName(here)!, Path.GetFileName(here) + "-beside", "bank.csv");
        Assert.AreEqual(Path.Combine("data", "bank.csv"), ShownPath.Of(Path.Combine(here, "data", "bank.csv")));
        Assert.AreEqual(beside, ShownPath.Of(beside), "a sibling whose name starts like the working directory's");
        // The consumption project runs from its own folder: the example photo, relative to it.
        string photo = Path.Combine(here, "data", "val", "ant", "a.jpg");
        Assert.AreEqual(Path.Combine("..", "..", "data", "val", "ant", "a.jpg"), ShownPath.From(Path.Combine(here, "out", "Consumption"), photo));
        Assert.AreEqual(photo, ShownPath.From(Path.GetTempPath(), photo), "a project outside the working directory gets the full path");
    }

    [TestMethod]
    public void Plan_FirstEpochOfTenSecondsInSixty_PlansWhatFitsInNinetyPercentOfTheRest()
    {
        var budget = new TrainingBudget(60, fixedEpochs: null);
        budget.Start(secondsAgo: 10);
        // 50 s left, 45 s planned: 4 more epochs of 10 s, 5 in all (give or take the test's own milliseconds).
        Assert.AreEqual(5, budget.Plan(epochSeconds: 10, epochsDone: 1, maxEpochs: 100));
        Assert.AreEqual(3, budget.Plan(epochSeconds: 10, epochsDone: 1, maxEpochs: 3), "capped");
        Assert.AreEqual(1, budget.Plan(epochSeconds: 100, epochsDone: 1, maxEpochs: 100), "never fewer than done");
    }

    [TestMethod]
    public void Plan_FixedEpochs_WinsOverTheClock()
    {
        var budget = new TrainingBudget(1, fixedEpochs: 7);
        budget.Start(secondsAgo: 30);
        Assert.AreEqual(7, budget.Plan(epochSeconds: 10, epochsDone: 1, maxEpochs: 3));
    }

    [TestMethod]
    public void PropertyNames_OddColumnNames_BecomeUniquePascalCaseIdentifiers()
    {
        var names = TabularConsumption.PropertyNames(["emp.var.rate", "y", "2nd col", "Parse", "emp var rate", "ÿ"]);
        CollectionAssert.AreEqual(new[] { "EmpVarRate", "Y", "Column2ndCol", "Parse2", "EmpVarRate2", "Column" }, names);
    }

    [TestMethod]
    public void Literal_QuotesBackslashesAndControlCharacters_AreEscaped() =>
        Assert.AreEqual("\"a\\\"b\\\\c\\td\"", TabularConsumption.Literal("a\"b\\c\td"));

    [TestMethod]
    public void Fill_PlaceholderWithoutValue_Throws()
    {
        Assert.AreEqual("x=1", ConsumptionProject.Fill("x={{A}}", new Dictionary<string, string> { ["A"] = "1" }));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ConsumptionProject.Fill("{{A}} {{B}}", new Dictionary<string, string> { ["A"] = "1" }));
        StringAssert.Contains(e.Message, "{{B}}");
    }
}
