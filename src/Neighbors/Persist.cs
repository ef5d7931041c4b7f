using System.Runtime.InteropServices;

namespace MlNetTriplet.Neighbors;

/// <summary>Length-prefixed arrays in a binary stream (little-endian, as BinaryWriter): how the neighbour index and
/// the models holding one (UMAP) save their arrays.</summary>
internal static class Persist
{
    public static void WriteArray<T>(BinaryWriter w, T[] values) where T : unmanaged
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    public static int ReadCount(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0) throw new InvalidDataException($"Corrupt model data: an array of negative length {n}.");
        return n;
    }

    public static T[] Read<T>(BinaryReader r) where T : unmanaged
    {
        var values = GC.AllocateUninitializedArray<T>(ReadCount(r));
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        // A read may return fewer bytes than asked: loop until done or the end of the stream.
        for (int done = 0; done < bytes.Length;)
        {
            int n = r.Read(bytes[done..]);
            if (n == 0) throw new EndOfStreamException("Truncated model data: an array ends early.");
            done += n;
        }
        return values;
    }

    public static int[] ReadInts(BinaryReader r) => Read<int>(r);

    public static float[] ReadFloats(BinaryReader r) => Read<float>(r);
}
