namespace MlNetTriplet.Cli.Tests;

/// <summary>Wrong input: one clear line on standard error naming what is wrong, exit code 2, no stack trace unless
/// --verbose.</summary>
[TestClass]
public sealed class InputErrorTests : TempFolderTests
{
    [TestMethod]
    public void Classification_MissingFile_SaysSoInOneLine()
    {
        var run = Classify(Path.Combine(Folder, "no-such.csv"), "y");
        AssertOneLine(run, "does not exist: give a CSV or TSV file with --dataset");
    }

    [TestMethod]
    public void Classification_MissingLabelColumn_ListsTheColumns()
    {
        var run = Classify(CliData.BankKaggle, "y");
        AssertOneLine(run, "Label column 'y' is not in");
        StringAssert.Contains(run.Error, "'deposit'");
    }

    [TestMethod]
    public void Classification_OneClass_SaysClassificationNeedsTwo()
    {
        string csv = Write("one-class.csv", "x,label", Enumerable.Range(0, 40).Select(i => $"{i % 7},same"));
        AssertOneLine(Classify(csv, "label"), "holds a single value ('same')");
    }

    [TestMethod]
    public void Classification_BinaryFile_SaysItIsNotText()
    {
        string path = Path.Combine(Folder, "image.csv");
        File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x01, 0x02]);
        AssertOneLine(Classify(path, "label"), "is not a text file");
    }

    [TestMethod]
    public void Classification_HeaderWithoutSeparator_AsksForSep()
    {
        string csv = Write("semicolons.csv", "a;b;label", Enumerable.Range(0, 40).Select(i => $"{i};{i * 2};{i % 2}"));
        AssertOneLine(Classify(csv, "label", "--sep", ","), "pass --sep");
    }

    [TestMethod]
    public void Classification_TooFewRowsPerClass_NamesTheClass()
    {
        string csv = Write("rare.csv", "x,label", Enumerable.Range(0, 40).Select(i => $"{i % 9},{(i < 2 ? "rare" : i % 2 == 0 ? "a" : "b")}"));
        var run = Classify(csv, "label");
        AssertOneLine(run, "Too few rows per class");
        StringAssert.Contains(run.Error, "'rare' has 2");
    }

    [TestMethod]
    public void Classification_Verbose_ShowsTheStackTrace()
    {
        var run = CliProcess.Run("classification", "--dataset", Path.Combine(Folder, "no-such.csv"), "--label-col", "y", "--verbose");
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, "   at ");
    }

    [TestMethod]
    public void ImageClassification_EmptyFolder_SaysThereAreNoClasses()
    {
        string empty = Directory.CreateDirectory(Path.Combine(Folder, "empty")).FullName;
        AssertOneLine(CliProcess.Run("image-classification", "--dataset", empty, "-o", Path.Combine(Folder, "out")), "no class sub-folders");
    }

    [TestMethod]
    public void ImageClassification_OneClassFolder_SaysClassificationNeedsTwo()
    {
        string root = Path.Combine(Folder, "ants-only");
        Directory.CreateDirectory(Path.Combine(root, "ant"));
        foreach (string photo in Directory.GetFiles(Path.Combine(CliData.Caltech101, "train", "ant")).Take(6))
            File.CreateSymbolicLink(Path.Combine(root, "ant", Path.GetFileName(photo)), photo);
        AssertOneLine(CliProcess.Run("image-classification", "--dataset", root, "-o", Path.Combine(Folder, "out")), "one class folder with images ('ant')");
    }

    [TestMethod]
    public void Embeddings_IdxFolderMissingTheTestFiles_ListsThem()
    {
        string idx = Directory.CreateDirectory(Path.Combine(Folder, "idx")).FullName;
        foreach (string name in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz" })
            File.CreateSymbolicLink(Path.Combine(idx, name), Path.Combine(CliData.FashionMnist, name));
        AssertOneLine(CliProcess.Run("embeddings", "--dataset", idx, "-o", Path.Combine(Folder, "out")), "lacks t10k-images-idx3-ubyte[.gz]");
    }

    [TestMethod]
    public void Embeddings_HoldoutClassesOutOfRange_RefusedInOneLineBeforeTraining()
    {
        string output = Path.Combine(Folder, "out");
        var tooMany = CliProcess.Run("embeddings", "--dataset", CliData.Caltech101, "--holdout-classes", "5", "-o", output);
        AssertOneLine(tooMany, "--holdout-classes 5 leaves 1 of the 6 classes");
        StringAssert.Contains(tooMany.Error, "give 2 to 4");
        Assert.IsFalse(tooMany.Output.Contains("epoch", StringComparison.OrdinalIgnoreCase), "nothing should have trained: " + tooMany);
        Assert.IsFalse(File.Exists(Path.Combine(output, "model.zip")), "no model");
        AssertOneLine(CliProcess.Run("embeddings", "--dataset", CliData.Caltech101, "--holdout-classes", "1", "-o", output),
            "--holdout-classes must be at least 2 (got 1)");
        AssertOneLine(CliProcess.Run("embeddings", "--dataset", CliData.Caltech101, "--holdout-classes", "two", "-o", output),
            "--holdout-classes must be a whole number of classes (got 'two')");
    }

    [TestMethod]
    public void Embeddings_EmbeddingSizeWithHeldOutPhotos_RefusedInOneLineBeforeTraining()
    {
        string output = Path.Combine(Folder, "out");
        var run = CliProcess.Run("embeddings", "--dataset", CliData.Caltech101, "--holdout-classes", "3", "--embedding-size", "32", "-o", output);
        AssertOneLine(run, "--embedding-size 32 sizes a trained head's output");
        StringAssert.Contains(run.Error, "pooled features beside its untrained ones");
        Assert.IsFalse(run.Output.Contains("epoch", StringComparison.OrdinalIgnoreCase), "nothing should have trained: " + run);
        Assert.IsFalse(File.Exists(Path.Combine(output, "model.zip")), "no model");
    }

    [TestMethod]
    public void Embeddings_FlagsOfTheOtherNetwork_RefusedInOneLine()
    {
        string output = Path.Combine(Folder, "out");
        AssertOneLine(CliProcess.Run("embeddings", "--dataset", CliData.FashionMnist, "--network", "resnet18", "-o", output),
            "--network resnet18 reads photo files");
        AssertOneLine(CliProcess.Run("embeddings", "--dataset", CliData.Caltech101, "--image-size", "32", "-o", output),
            "--image-size is for --network cnn");
    }

    [TestMethod]
    public void Flags_MissingRequiredOrOutOfRange_ExitWithTwo()
    {
        AssertOneLine(CliProcess.Run("classification", "--dataset", CliData.BankKaggle), "--label-col");
        AssertOneLine(CliProcess.Run("classification", "--dataset", CliData.BankKaggle, "--label-col", "deposit", "--validation-fraction", "1.5"),
            "--validation-fraction must be between 0 and 1");
        AssertOneLine(CliProcess.Run("image-classification", "--dataset", Folder, "--mode", "melt"), "melt");
        AssertOneLine(CliProcess.Run(), "Required command was not provided");
    }

    [TestMethod]
    public void Flags_NumberThatIsNot_SaysWhatTheFlagTakes()
    {
        AssertOneLine(CliProcess.Run("classification", "--dataset", CliData.BankKaggle, "--label-col", "deposit", "--train-time", "abc"),
            "--train-time must be a number of seconds (got 'abc')");
        AssertOneLine(CliProcess.Run("classification", "--dataset", CliData.BankKaggle, "--label-col", "deposit", "--epochs", "1.5"),
            "--epochs must be a whole number of epochs (got '1.5')");
        AssertOneLine(CliProcess.Run("embeddings", "--dataset", Folder, "--embedding-size", "big"), "--embedding-size must be a whole number (got 'big')");
    }

    [TestMethod]
    public void Classification_RowWithTooFewOrTooManyFields_NamesTheLineAndTheCount()
    {
        var rows = Enumerable.Range(0, 40).Select(i => $"{i % 7},{i % 3},{(i % 2 == 0 ? "a" : "b")}").ToList();
        rows[9] = "1,2";                 // line 11: the label is missing, not empty
        AssertOneLine(Classify(Write("short.csv", "x,y,label", rows), "label"), "Line 11 of");
        rows[9] = "1,2,a,extra";
        var run = Classify(Write("long.csv", "x,y,label", rows), "label");
        AssertOneLine(run, "has 4 fields where the header has 3");
    }

    [TestMethod]
    public void AnyScenario_OutputFolderNotWritable_RefusedBeforeReadingTheData()
    {
        // /proc takes no new folder, even from root (for whom permission bits would not stop a write).
        var run = CliProcess.Run("classification", "--dataset", CliData.BankKaggle, "--label-col", "deposit", "--epochs", "1",
            "-o", "/proc/mlnettriplet-output");
        AssertOneLine(run, "--output '/proc/mlnettriplet-output' cannot be written");
        Assert.IsFalse(run.Output.Contains("epoch", StringComparison.OrdinalIgnoreCase), "nothing should have trained: " + run);
    }

    [TestMethod]
    public void ImageClassification_UnreadablePhotos_LeftOutOfTrainingAndEvaluationAndReported()
    {
        string root = CliData.FashionFolder(Folder, classes: 2, perClass: 12);
        File.WriteAllBytes(Path.Combine(root, "class0", "empty.png"), []);
        string truncated = Path.Combine(root, "class1", "truncated.png");
        File.WriteAllBytes(truncated, File.ReadAllBytes(Directory.GetFiles(Path.Combine(root, "class1"))[0])[..30]);
        string output = Path.Combine(Folder, "out");
        var run = CliProcess.Run("image-classification", "--dataset", root, "--epochs", "1", "-o", output);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, "Left out 2 unreadable photos");
        StringAssert.Contains(run.Output, "empty.png");
        using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.AreEqual(2, metrics.RootElement.GetProperty("unreadableImages").GetArrayLength());
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "report.html")), "Unreadable photos, left out");
    }

    [TestMethod]
    public void ImageClassification_ClassWithOnlyUnreadablePhotos_RefusedNamingTheClassFolder()
    {
        string root = CliData.FashionFolder(Folder, classes: 2, perClass: 6);
        foreach (string photo in Directory.GetFiles(Path.Combine(root, "class1")))
            File.WriteAllBytes(photo, []);
        var run = CliProcess.Run("image-classification", "--dataset", root, "--epochs", "1", "-o", Path.Combine(Folder, "out"));
        AssertOneLine(run, $"Class folder '{Path.Combine(root, "class1")}'");
        StringAssert.Contains(run.Error, "no readable image");
    }

    [TestMethod]
    public void Help_ListsTheScenariosAndExitsWithZero()
    {
        var run = CliProcess.Run("--help");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        foreach (string verb in new[] { "classification", "image-classification", "embeddings" })
            StringAssert.Contains(run.Output, verb);
        var verbHelp = CliProcess.Run("classification", "--help");
        StringAssert.Contains(verbHelp.Output, "--train-time");
    }

    private ProcessResult Classify(string csv, string label, params string[] more) =>
        CliProcess.Run(["classification", "--dataset", csv, "--label-col", label, "-o", Path.Combine(Folder, "out"), .. more]);

    private string Write(string name, string header, IEnumerable<string> rows)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllLines(path, rows.Prepend(header));
        return path;
    }

    private static void AssertOneLine(ProcessResult run, string expected)
    {
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, run.ToString());
        StringAssert.Contains(lines[0], expected);
        Assert.IsFalse(run.Error.Contains("   at ", StringComparison.Ordinal), "no stack trace without --verbose");
    }
}
