namespace MlNetTriplet.Cli.Report;

/// <summary>Paths as a report shows them: inside the folder the tool was started in, relative, as the user types them
/// there (so a report made in a clone names no folder of the machine it was made on); elsewhere, full.</summary>
internal static class ShownPath
{
    /// <summary><paramref name="path"/> relative to the working directory when it lies inside it, else full.</summary>
    public static string Of(string path) =>
        Inside(path) ? Path.GetRelativePath(Environment.CurrentDirectory, path) : Path.GetFullPath(path);

    /// <summary><paramref name="path"/> relative to <paramref name="folder"/> (the consumption project, which runs from
    /// its own folder) when both lie inside the working directory, else full.</summary>
    public static string From(string folder, string path) =>
        Inside(folder) && Inside(path) ? Path.GetRelativePath(folder, path) : Path.GetFullPath(path);

    private static bool Inside(string path)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.GetFullPath(path));
        return !Path.IsPathRooted(relative) && relative != ".."
            && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
