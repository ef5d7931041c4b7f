using System.IO.Compression;

namespace MlNetTriplet.Tests.Persistence;

/// <summary>Damages saved model zips on purpose, to test the loaders' messages.</summary>
internal static class ModelZip
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="path"/> with the first entry matching
    /// <paramref name="match"/> replaced by <paramref name="change"/> of its bytes.</summary>
    public static void RewriteEntry(string source, string path, Func<string, bool> match, Func<byte[], byte[]> change)
    {
        File.Copy(source, path, overwrite: true);
        using var archive = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = archive.Entries.First(e => match(e.FullName));
        byte[] bytes;
        using (var stream = entry.Open())
        using (var memory = new MemoryStream())
        {
            stream.CopyTo(memory);
            bytes = memory.ToArray();
        }
        string name = entry.FullName;
        entry.Delete();
        using var replaced = archive.CreateEntry(name).Open();
        replaced.Write(change(bytes));
    }

    /// <summary>The messages of an exception and its inner exceptions (ML.NET wraps loader errors).</summary>
    public static string Describe(Exception e) =>
        e.InnerException is null ? e.Message : e.Message + " <- " + Describe(e.InnerException);
}
