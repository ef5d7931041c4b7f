using System.Buffers.Binary;

namespace MlNetTriplet.Tests.Plots;

/// <summary>Checks on the PNG files the plot helpers write.</summary>
internal static class PngAssert
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Checks the PNG signature and returns the width and height stored in the IHDR chunk.</summary>
    public static (int Width, int Height) ReadPngSize(string path)
    {
        Assert.IsTrue(File.Exists(path), $"{path} was not written.");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.IsGreaterThan(33, bytes.Length, "The PNG is too short to hold an IHDR chunk.");
        CollectionAssert.AreEqual(PngSignature, bytes[..8], "Not a PNG signature.");
        Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4), "The first chunk is not IHDR.");
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }
}
