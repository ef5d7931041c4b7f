using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetTriplet.Cli.Images;
using MlNetTriplet.Examples;

namespace MlNetTriplet.Cli.Tests;

/// <summary>Small real datasets for the end-to-end runs, made in temporary folders from the data the repository
/// carries (data/).</summary>
internal static class CliData
{
    public static string RepositoryData => Path.Combine(CliProcess.RepoRoot, "data");
    public static string BankKaggle => Path.Combine(RepositoryData, "bank-marketing", "kaggle-bank-balanced.csv");
    public static string BankUci => Path.Combine(RepositoryData, "bank-marketing", "uci-bank.csv");
    public static string Caltech101 => Path.Combine(RepositoryData, "caltech101");
    public const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <summary>A fresh temporary folder.</summary>
    public static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "mlnettriplet-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Every <paramref name="step"/>-th row of the Kaggle bank-marketing file, with its header.</summary>
    public static string BankSubset(string directory, int step = 4)
    {
        string path = Path.Combine(directory, "bank-subset.csv");
        File.WriteAllLines(path, File.ReadLines(BankKaggle).Where((_, i) => i == 0 || i % step == 0));
        return path;
    }

    /// <summary>train/ and val/ folders of the six Caltech 101 classes: links to the first photos of each class.</summary>
    public static string Caltech101Subset(string directory, int train, int validation)
    {
        string root = Path.Combine(directory, "caltech101-subset");
        foreach (var (split, count) in new[] { ("train", train), ("val", validation) })
            foreach (string classFolder in Directory.GetDirectories(Path.Combine(Caltech101, split)))
            {
                string target = Path.Combine(root, split, Path.GetFileName(classFolder));
                Directory.CreateDirectory(target);
                foreach (string photo in Directory.GetFiles(classFolder).Order(StringComparer.Ordinal).Take(count))
                    File.CreateSymbolicLink(Path.Combine(target, Path.GetFileName(photo)), photo);
            }
        return root;
    }

    /// <summary>A CSV of the first <paramref name="rows"/> Fashion-MNIST training images, each as its 7 x 7 grid of
    /// 4 x 4-pixel means (columns p00 to p66, 0 to 1), and its article name (column 'article').</summary>
    public static string FashionCsv(string directory, int rows)
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromIdx(Path.Combine(FashionMnist, "train-images-idx3-ubyte.gz"),
            Path.Combine(FashionMnist, "train-labels-idx1-ubyte.gz"), rows);
        var lines = new List<string>
        {
            string.Join(',', Enumerable.Range(0, 49).Select(cell => $"p{cell / 7}{cell % 7}").Append("article")),
        };
        foreach (var (pixels, label) in data.GetColumn<float[]>("Features").Zip(data.GetColumn<uint>("Label")))
            lines.Add(string.Join(',', Enumerable.Range(0, 49)
                .Select(cell => Enumerable.Range(0, 16).Average(i => pixels[(cell / 7 * 4 + i / 4) * 28 + cell % 7 * 4 + i % 4]))
                .Select(mean => mean.ToString("0.####", CultureInfo.InvariantCulture))
                .Append(ClassNames.Of(label, ClassNameSet.Fashion))));
        string path = Path.Combine(directory, "fashion-articles.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>One sub-folder of PNG files per class, from the first Fashion-MNIST test images of
    /// <paramref name="classes"/> classes.</summary>
    public static string FashionFolder(string directory, int classes, int perClass)
    {
        string root = Path.Combine(directory, "fashion-folder");
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromIdx(Path.Combine(FashionMnist, "t10k-images-idx3-ubyte.gz"),
            Path.Combine(FashionMnist, "t10k-labels-idx1-ubyte.gz"), 2000);
        var pixels = data.GetColumn<float[]>("Features").ToArray();
        var labels = data.GetColumn<uint>("Label").ToArray();
        var written = new int[classes];
        for (int i = 0; i < labels.Length; i++)
        {
            int c = (int)labels[i];
            if (c >= classes || written[c] == perClass)
                continue;
            string folder = Path.Combine(root, $"class{c}");
            Directory.CreateDirectory(folder);
            var png = Thumbnails.FromPixels(pixels[i], new ImageShape(1, 28, 28), "", "");
            File.WriteAllBytes(Path.Combine(folder, $"{i:D4}.png"), png.Data);
            written[c]++;
        }
        return root;
    }
}
