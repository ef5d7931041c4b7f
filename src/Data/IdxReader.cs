using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Numerics.Tensors;

namespace MlNetTriplet;

/// <summary>Reads IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or raw.</summary>
internal static class IdxReader
{
    internal const int ImagesMagic = 0x00000803;
    internal const int LabelsMagic = 0x00000801;

    /// <summary>Images read from an IDX file.</summary>
    /// <param name="Pixels">Count x Rows x Columns values in [0, 1], row-major.</param>
    /// <param name="Count">Images read.</param>
    /// <param name="Rows">Rows of pixels in each image.</param>
    /// <param name="Columns">Columns of pixels in each image.</param>
    /// <param name="Total">Images the file declares; more than Count when limited by maxRows.</param>
    internal sealed record Images(float[] Pixels, int Count, int Rows, int Columns, int Total);

    /// <summary>Labels read from an IDX file.</summary>
    /// <param name="Values">The class ids read.</param>
    /// <param name="Total">Labels the file declares; more than Values.Length when limited by maxRows.</param>
    internal sealed record Labels(uint[] Values, int Total);

    /// <summary>Reads an images file and its labels file into a data view of the first <paramref name="maxRows"/>
    /// items (all when 0).</summary>
    internal static InMemoryImageDataView Load(string imagesPath, string labelsPath, int maxRows = 0)
    {
        // Labels first: they are small, so a mismatched pair usually fails before the large read.
        var labels = ReadLabels(labelsPath, maxRows);
        var images = ReadImages(imagesPath, maxRows);
        if (images.Total != labels.Total)
            throw new InvalidDataException(
                $"The IDX images file '{imagesPath}' holds {images.Total} images but the labels file '{labelsPath}' " +
                $"holds {labels.Total} labels: expected the same count.");
        return new InMemoryImageDataView(images.Pixels, labels.Values, new ImageShape(1, images.Rows, images.Columns));
    }

    internal static Images ReadImages(string path, int maxRows = 0)
    {
        using var stream = Open(path, out bool gzip);
        Span<byte> header = stackalloc byte[16];
        ReadHeader(stream, header, path, gzip, ImagesMagic);
        int total = ReadCount(header, 4, path, "image count");
        int rows = ReadCount(header, 8, path, "row count"), columns = ReadCount(header, 12, path, "column count");
        if (rows == 0 || columns == 0)
            throw new InvalidDataException(
                $"IDX images file '{path}' declares {rows}x{columns} images: expected at least one row and one column.");

        int count = maxRows > 0 ? Math.Min(maxRows, total) : total;
        long length = (long)count * rows * columns;
        if (length > Array.MaxLength)
            throw new InvalidDataException(
                $"IDX images file '{path}' declares {count} images of {rows}x{columns}: {length} values exceed the " +
                $"largest array ({Array.MaxLength}); pass a smaller maxRows.");
        // Every element is written below (or the read throws), so zeroing 188 MB for Fashion-MNIST's train split is waste.
        var pixels = GC.AllocateUninitializedArray<float>((int)length);
        ReadData(stream, pixels, 255f, path, gzip, $"pixel data ({count} images of {rows}x{columns})");
        return new Images(pixels, count, rows, columns, total);
    }

    internal static Labels ReadLabels(string path, int maxRows = 0)
    {
        using var stream = Open(path, out bool gzip);
        Span<byte> header = stackalloc byte[8];
        ReadHeader(stream, header, path, gzip, LabelsMagic);
        int total = ReadCount(header, 4, path, "label count");
        var labels = new uint[maxRows > 0 ? Math.Min(maxRows, total) : total];
        ReadData(stream, labels, 1u, path, gzip, "label data");
        return new Labels(labels, total);
    }

    private static Stream Open(string path, out bool gzip)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"IDX file '{path}' not found. Fashion-MNIST can be installed with " +
                "'apt-get install dataset-fashion-mnist' (files under /usr/share/datasets/fashion-mnist).", path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        // By content, not by name: files are often renamed or decompressed without changing the extension.
        Span<byte> magic = stackalloc byte[2];
        gzip = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        file.Position = 0;
        return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static void ReadHeader(Stream stream, Span<byte> header, string path, bool gzip, int expectedMagic)
    {
        int read = Read(stream, header, path, gzip);
        if (read < header.Length)
            throw new InvalidDataException(
                $"IDX file '{path}' is truncated: expected a {header.Length}-byte header, found {read} bytes.");
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic == expectedMagic) return;
        string kind = expectedMagic == ImagesMagic ? "images" : "labels";
        string hint = magic switch
        {
            ImagesMagic => " It looks like an IDX images file: are the images and labels paths swapped?",
            LabelsMagic => " It looks like an IDX labels file: are the images and labels paths swapped?",
            _ => "",
        };
        throw new InvalidDataException(
            $"IDX file '{path}' is not an IDX {kind} file: expected magic number {expectedMagic} (0x{expectedMagic:X8}), " +
            $"found {magic} (0x{magic:X8}).{hint}");
    }

    private static int ReadCount(ReadOnlySpan<byte> header, int offset, string path, string what)
    {
        int value = BinaryPrimitives.ReadInt32BigEndian(header[offset..]);
        return value >= 0 ? value
            : throw new InvalidDataException($"IDX file '{path}' declares a negative {what} ({value}).");
    }

    /// <summary>Fills <paramref name="destination"/> with the next bytes of <paramref name="stream"/>, each divided by
    /// <paramref name="scale"/>, through one pooled chunk so that no copy of the whole payload is ever held.</summary>
    private static void ReadData<T>(Stream stream, Span<T> destination, T scale, string path, bool gzip, string what)
        where T : INumber<T>
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int done = 0;
            while (done < destination.Length)
            {
                int read = Read(stream, chunk.AsSpan(0, Math.Min(chunk.Length, destination.Length - done)), path, gzip);
                if (read == 0)
                    throw new InvalidDataException(
                        $"IDX file '{path}' is truncated: expected {destination.Length} bytes of {what}, found {done}.");
                // TensorPrimitives is vectorised and stays optimised when this assembly is built Debug (as in tests),
                // where a generic scalar loop took longer than the decompression.
                var target = destination.Slice(done, read);
                TensorPrimitives.ConvertTruncating<byte, T>(chunk.AsSpan(0, read), target);
                if (scale != T.One)
                    TensorPrimitives.Divide(target, scale, target);
                done += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static int Read(Stream stream, Span<byte> buffer, string path, bool gzip)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e) when (gzip)
        {
            throw new InvalidDataException($"IDX file '{path}' is not a valid gzip stream: {e.Message}", e);
        }
    }
}
