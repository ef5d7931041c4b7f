namespace MlNetTriplet.Tests.Readme;

/// <summary>README.md shows only code that the tests compile and run: each C# block is the marked code of a snippet
/// file under test/Readme (see <see cref="ReadmeSnippets"/>).</summary>
[TestClass]
public sealed class ReadmeTests
{
    [TestMethod]
    public void Readme_EveryCsharpBlock_IsTheMarkedCodeOfItsSnippetFile()
    {
        var problems = new List<string>();
        foreach (var block in ReadmeSnippets.ReadmeBlocks())
        {
            string where = $"README.md line {block.Line}";
            if (block.SnippetFile is null)
                problems.Add($"{where}: a ```csharp block without a '<!-- snippet: test/Readme/File.cs -->' line above it.");
            else if (!File.Exists(Path.Combine(TestData.RepositoryRoot, block.SnippetFile)))
                problems.Add($"{where}: snippet file {block.SnippetFile} does not exist.");
            else if (ReadmeSnippets.MarkedCode(block.SnippetFile) is not { } code)
                problems.Add($"{where}: {block.SnippetFile} has no '{ReadmeSnippets.Start}' ... '{ReadmeSnippets.End}' region.");
            else if (code != block.Code)
                problems.Add($"{where} differs from the marked code of {block.SnippetFile}; the block should read:\n{code}");
        }
        Assert.IsEmpty(problems, string.Join("\n\n", problems));
    }

    [TestMethod]
    public void Readme_ShowsEverySnippetFileOnce()
    {
        string folder = Path.Combine(TestData.RepositoryRoot, "test", "Readme");
        var snippets = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(TestData.RepositoryRoot, path).Replace('\\', '/'))
            .Where(path => ReadmeSnippets.MarkedCode(path) is not null)
            .Order().ToList();
        var shown = ReadmeSnippets.ReadmeBlocks().Select(b => b.SnippetFile).OfType<string>().Order().ToList();
        Assert.IsNotEmpty(snippets);
        CollectionAssert.AreEqual(snippets, shown, $"snippet files: {string.Join(", ", snippets)}; shown: {string.Join(", ", shown)}");
    }
}
