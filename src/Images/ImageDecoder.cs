using System.Runtime.InteropServices;
using SkiaSharp;

namespace MlNetTriplet.Images;

/// <summary>Decodes image files with Skia into 8-bit RGBA (alpha not premultiplied, so RGB stays what the file
/// holds, as PIL's <c>convert("RGB")</c> keeps it), reusing its buffers from file to file; one per thread. Colour
/// profiles and EXIF orientation are ignored, as PIL (and so torchvision's <c>ImageFolder</c>) ignores them. A file
/// is unreadable when it is missing or empty, is not a JPEG, PNG, GIF, BMP or WebP image, its data is truncated or
/// corrupt (Skia's IncompleteInput counts: PIL refuses truncated images by default too), it is smaller than
/// <see cref="MinimumSide"/> on a side, or larger than <see cref="MaximumPixels"/>.</summary>
internal sealed class ImageDecoder : IDisposable
{
    /// <summary>Smaller images carry too little to resize from (a placeholder, an icon, a tracking pixel).</summary>
    public const int MinimumSide = 8;

    /// <summary>Pillow's decompression-bomb limit (twice <c>Image.MAX_IMAGE_PIXELS</c>).</summary>
    public const long MaximumPixels = 178_956_970;

    /// <summary>What the decoder reads, as file extensions (lower case, with the dot).</summary>
    public static readonly IReadOnlyList<string> Extensions = [".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp"];

    private byte[] _file = [];
    private byte[] _pixels = [];
    private SKData? _data;
    private SKCodec? _codec;

    /// <summary>Size of the open image, in pixels.</summary>
    public int Width { get; private set; }
    public int Height { get; private set; }

    /// <summary>Whether <see cref="TryDecode"/> can shrink it by 2, 4 or 8 while decoding (JPEG DCT scaling).</summary>
    public bool CanScale { get; private set; }

    /// <summary>The decoded pixels: <see cref="DecodedHeight"/> rows of <see cref="DecodedWidth"/> x 4 bytes (RGBA).</summary>
    public ReadOnlySpan<byte> Pixels => _pixels.AsSpan(0, DecodedWidth * DecodedHeight * 4);
    public int DecodedWidth { get; private set; }
    public int DecodedHeight { get; private set; }

    /// <summary>Reads <paramref name="path"/> and its header; false with the reason when it cannot be an image.</summary>
    public bool TryOpen(string path, out string? reason)
    {
        Close();
        reason = ReadFile(path, out int length);
        if (reason is not null)
            return false;
        _data = SKData.Create(Marshal.UnsafeAddrOfPinnedArrayElement(_file, 0), length);
        _codec = SKCodec.Create(_data);
        if (_codec is null)
        {
            reason = KnownSignature(_file.AsSpan(0, length))
                ? "its header is damaged or truncated"
                : "it is not a JPEG, PNG, GIF, BMP or WebP image";
            return false;
        }
        var info = _codec.Info;
        (Width, Height) = (info.Width, info.Height);
        CanScale = _codec.EncodedFormat == SKEncodedImageFormat.Jpeg;
        if (Width < MinimumSide || Height < MinimumSide)
            reason = $"it is {Width}x{Height} pixels; images must be at least {MinimumSide} pixels on each side";
        else if ((long)Width * Height > MaximumPixels)
            reason = $"it is {Width}x{Height} pixels, over the limit of {MaximumPixels:N0} (Pillow's decompression-bomb limit)";
        return reason is null;
    }

    /// <summary>Decodes the open image shrunk by <paramref name="denominator"/> (1, or 2, 4, 8 when
    /// <see cref="CanScale"/>); the first frame of an animation.</summary>
    public bool TryDecode(int denominator, out string? reason)
    {
        var codec = _codec ?? throw new InvalidOperationException("No image is open.");
        var size = denominator == 1 ? new SKSizeI(Width, Height) : codec.GetScaledDimensions(1f / denominator);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        int bytes = checked(size.Width * size.Height * 4);
        if (_pixels.Length < bytes)
            _pixels = GC.AllocateUninitializedArray<byte>(bytes, pinned: true);
        var result = codec.GetPixels(info, Marshal.UnsafeAddrOfPinnedArrayElement(_pixels, 0), size.Width * 4,
            new SKCodecOptions(0));
        (DecodedWidth, DecodedHeight) = (size.Width, size.Height);
        reason = result switch
        {
            SKCodecResult.Success => null,
            SKCodecResult.IncompleteInput => "its image data is truncated",
            SKCodecResult.ErrorInInput => "its image data is corrupt",
            _ => $"the decoder failed ({result})",
        };
        return reason is null;
    }

    /// <summary>The exception for an unreadable <paramref name="path"/>: <see cref="FileNotFoundException"/> when it
    /// is missing, else <see cref="InvalidDataException"/>; the message names the file and the reason.</summary>
    public static Exception Unreadable(string path, string reason, string? where = null)
    {
        string message = $"Cannot read image '{path}'{where}: {reason}.";
        return reason == MissingReason ? new FileNotFoundException(message, path) : new InvalidDataException(message);
    }

    /// <summary>Decodes <paramref name="path"/> at the smallest scale it allows: what a check for unreadable files
    /// needs (the whole compressed stream is still read, so truncation shows). Null when it is readable.</summary>
    public string? Check(string path) =>
        TryOpen(path, out string? reason) && TryDecode(CanScale ? 8 : 1, out reason) ? null : reason;

    private const string MissingReason = "the file does not exist";

    private string? ReadFile(string path, out int length)
    {
        length = 0;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            long size = RandomAccess.GetLength(handle);
            if (size == 0)
                return "the file is empty";
            if (size > int.MaxValue / 2)
                return $"the file is {size:N0} bytes, too large for an image";
            if (_file.Length < size)
                _file = GC.AllocateUninitializedArray<byte>((int)Math.Max(size, _file.Length * 2L), pinned: true);
            while (length < size)
            {
                int read = RandomAccess.Read(handle, _file.AsSpan(length, (int)size - length), length);
                if (read == 0)
                    break;
                length += read;
            }
            return null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return MissingReason;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the file cannot be read ({e.Message})";
        }
    }

    /// <summary>Whether the bytes start like one of the formats the decoder reads, so a failure is damage rather
    /// than a file of another kind.</summary>
    private static bool KnownSignature(ReadOnlySpan<byte> file) =>
        file.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
        || file.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])
        || file.StartsWith("GIF8"u8) || file.StartsWith("BM"u8)
        || (file.StartsWith("RIFF"u8) && file.Length >= 12 && file[8..12].SequenceEqual("WEBP"u8));

    private void Close()
    {
        _codec?.Dispose();
        _data?.Dispose();
        (_codec, _data) = (null, null);
        Width = Height = DecodedWidth = DecodedHeight = 0;
    }

    public void Dispose() => Close();
}
