using System.Text.RegularExpressions;

namespace MlNetTriplet.Tests.Readme;

/// <summary>The README's C# blocks and the files they come from. Every <c>```csharp</c> block of README.md follows a
/// line <c>&lt;!-- snippet: test/Readme/File.cs --&gt;</c> and must be that file's marked code: the lines between
/// <see cref="Start"/> and <see cref="End"/>, each region without its common indentation, regions joined by an empty
/// line (so usings at the top of a file and statements inside a test method can form one block). The file's test
/// compiles and runs that code, so the README cannot drift from code that works.</summary>
internal static partial class ReadmeSnippets
{
    public const string Start = "// README:start", End = "// README:end";

    public static string ReadmePath => Path.Combine(TestData.RepositoryRoot, "README.md");

    /// <summary>A <c>```csharp</c> block: its first line in README.md (1-based), the snippet file named above it
    /// (relative to the repository root, or null when the marker line is missing) and its code.</summary>
    public sealed record Block(int Line, string? SnippetFile, string Code);

    [GeneratedRegex(@"^<!-- snippet: (?<path>\S+) -->$")]
    private static partial Regex SnippetMarker();

    public static List<Block> ReadmeBlocks()
    {
        var lines = File.ReadAllLines(ReadmePath);
        var blocks = new List<Block>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
                continue;
            var marker = i > 0 ? SnippetMarker().Match(lines[i - 1].Trim()) : Match.Empty;
            int first = i + 1;
            while (++i < lines.Length && lines[i].Trim() != "```")
            {
            }
            blocks.Add(new Block(first, marker.Success ? marker.Groups["path"].Value : null,
                string.Join('\n', lines[first..i].Select(l => l.TrimEnd()))));
        }
        return blocks;
    }

    /// <summary>The marked code of a snippet file (path relative to the repository root), or null when it has none.</summary>
    public static string? MarkedCode(string snippetFile)
    {
        var lines = File.ReadAllLines(Path.Combine(TestData.RepositoryRoot, snippetFile));
        var regions = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != Start)
                continue;
            int first = i + 1;
            while (++i < lines.Length && lines[i].Trim() != End)
            {
            }
            var region = lines[first..i];
            int indent = region.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
            regions.Add(string.Join('\n', region.Select(l => l.Length >= indent ? l[indent..].TrimEnd() : "")));
        }
        return regions.Count == 0 ? null : string.Join("\n\n", regions);
    }

    /// <summary>Runs <paramref name="snippet"/> with <paramref name="folder"/> as the current directory, for README
    /// code that names its files relative to it as a user's program would. The tests run one at a time.</summary>
    public static void InFolder(string folder, Action snippet)
    {
        string previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = folder;
        try
        {
            snippet();
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }
}
