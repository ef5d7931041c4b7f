namespace MlNetTriplet.Bench;

internal static class RepoRoot
{
    /// <summary>The folder holding MlNetTriplet.sln, searched upwards from the working directory, then from the binary.</summary>
    public static string Find()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "MlNetTriplet.sln")))
                    return dir.FullName;
        }
        throw new DirectoryNotFoundException("MlNetTriplet.sln not found above the working directory or the bench binary.");
    }

    /// <summary>How a report names a data folder: relative to the repository when inside it, else by its folder name
    /// and "(--data-dir)", so that committed results carry no machine path (the data outside the repository is a
    /// set users fetch themselves; the README says where).</summary>
    public static string DataName(string folder)
    {
        string full = Path.GetFullPath(folder), relative = Path.GetRelativePath(Find(), full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? $"{Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar))} (--data-dir)"
            : relative;
    }
}
