using System.Diagnostics;

namespace MlNetTriplet.Examples;

/// <summary>The four IDX files of an MNIST-style data set (Fashion-MNIST, MNIST), shared by the examples.</summary>
internal sealed record DataFiles(string TrainImages, string TrainLabels, string TestImages, string TestLabels)
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    private static readonly string[] Names =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>Finds the files in <paramref name="directory"/> (each gzip-compressed or not), or lists the missing ones.</summary>
    public static DataFiles? Find(string directory, out List<string> missing)
    {
        missing = [];
        var found = new string[Names.Length];
        for (int i = 0; i < Names.Length; i++)
        {
            string gz = Path.Combine(directory, Names[i] + ".gz"), raw = Path.Combine(directory, Names[i]);
            found[i] = File.Exists(gz) ? gz : File.Exists(raw) ? raw : "";
            if (found[i] == "")
                missing.Add(Names[i] + "[.gz]");
        }
        return missing.Count == 0 ? new DataFiles(found[0], found[1], found[2], found[3]) : null;
    }

    /// <summary>Finds the data set, installing Debian's <c>dataset-fashion-mnist</c> package when the default folder is
    /// empty and this process may run apt-get. Returns null after printing how to get the files.</summary>
    public static DataFiles? Locate(string dataDirectory, bool directoryGiven)
    {
        string directory = Path.GetFullPath(dataDirectory);
        var files = Find(directory, out var missing);
        if (files is not null)
            return files;

        if (!directoryGiven && CanInstallWithApt())
        {
            Console.WriteLine($"Fashion-MNIST is not in {directory}: installing Debian's package dataset-fashion-mnist.");
            if (Run("apt-get", "install -y dataset-fashion-mnist") != 0)
            {
                Console.WriteLine("apt-get install failed: refreshing the package lists (apt-get update) and trying again.");
                Run("apt-get", "update");
                Run("apt-get", "install -y dataset-fashion-mnist");
            }
            files = Find(directory, out missing);
            if (files is not null)
                return files;
        }

        Console.Error.WriteLine($"""
            The data files are missing from {directory}: {string.Join(", ", missing)}.
            To get Fashion-MNIST:
              - on Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist   (installs into {DefaultDirectory})
              - or download the four files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
                t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz from the data/fashion folder of Zalando
                Research's fashion-mnist repository on GitHub into a folder, and pass --data-dir FOLDER.
            The original MNIST digits (same file names and format) work the same way: --data-dir FOLDER --class-names digits
            (in a clone of this repository, bench/fetch-mnist.sh puts them in a folder and prints it).
            """);
        return null;
    }

    private static bool CanInstallWithApt() =>
        OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess && File.Exists("/etc/debian_version")
        && FindOnPath("apt-get") is not null;

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);

    private static int Run(string program, string arguments)
    {
        Console.WriteLine($"$ {program} {arguments}");
        var start = new ProcessStartInfo(program, arguments) { UseShellExecute = false };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            using var process = Process.Start(start)
                ?? throw new InvalidOperationException($"Could not start {program}.");
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Console.Error.WriteLine($"Could not run {program}: {e.Message}");
            return -1;
        }
    }
}
