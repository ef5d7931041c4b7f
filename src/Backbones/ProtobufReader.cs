using System.Runtime.InteropServices;

namespace MlNetTriplet.Backbones;

/// <summary>Reads protocol buffers' wire format (varints, fixed 32/64-bit values, length-delimited fields) from a
/// byte span: enough to walk an ONNX model without generated code. Field meanings belong to the caller.</summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> data)
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>The next field's number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        ulong tag = ReadVarint();
        if (tag >> 3 is 0 or > int.MaxValue)
            throw new InvalidDataException($"invalid protobuf field number at byte {_position}");
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = Next(1)[0];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
        throw new InvalidDataException($"protobuf varint longer than 10 bytes at byte {_position}");
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
            throw Truncated();
        return Next((int)length);
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes());

    public float ReadFloat() => MemoryMarshal.Read<float>(Next(4));

    /// <summary>A repeated varint field's values: one value (unpacked encoding) or all of them (packed).</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType != LengthDelimited)
        {
            Expect(wireType, Varint);
            into.Add((long)ReadVarint());
            return;
        }
        var packed = new ProtobufReader(ReadBytes());
        while (!packed.AtEnd)
            into.Add((long)packed.ReadVarint());
    }

    /// <summary>A repeated float field's values: one value (unpacked encoding) or all of them (packed).</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType != LengthDelimited)
        {
            Expect(wireType, Fixed32);
            into.Add(ReadFloat());
            return;
        }
        var bytes = ReadBytes();
        if (bytes.Length % 4 != 0)
            throw new InvalidDataException($"packed float field of {bytes.Length} bytes is not a multiple of 4");
        into.AddRange(MemoryMarshal.Cast<byte, float>(bytes));
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Next(8); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: Next(4); break;
            default: throw new InvalidDataException($"unsupported protobuf wire type {wireType} at byte {_position}");
        }
    }

    public readonly void Expect(int wireType, int expected)
    {
        if (wireType != expected)
            throw new InvalidDataException($"protobuf wire type {wireType} where {expected} was expected, at byte {_position}");
    }

    private ReadOnlySpan<byte> Next(int count)
    {
        if (count > _data.Length - _position)
            throw Truncated();
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    private readonly InvalidDataException Truncated() =>
        new($"protobuf data ends early (truncated file?) at byte {_position} of {_data.Length}");
}
