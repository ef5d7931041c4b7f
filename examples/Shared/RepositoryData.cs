namespace MlNetTriplet.Examples;

/// <summary>The data sets the repository carries in its data/ folder, found from the example's build output (which
/// lies inside the clone), so that an example's defaults work whatever the working directory.</summary>
internal static class RepositoryData
{
    /// <summary>The full path of data/<paramref name="relativePath"/> in the clone holding this build, else (a build
    /// copied out of the clone) under the working directory.</summary>
    public static string Path(string relativePath)
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "MlNetTriplet.sln")))
                    return System.IO.Path.Combine(dir.FullName, "data", relativePath);
        return System.IO.Path.GetFullPath(System.IO.Path.Combine("data", relativePath));
    }
}
