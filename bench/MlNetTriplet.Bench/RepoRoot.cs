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
}
