using System.Text;
using MlNetTriplet.Backbones;

namespace MlNetTriplet.Tests.Backbones;

[TestClass]
public sealed class OnnxGraphTests
{
    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        for (; value >= 0x80; value >>= 7)
            bytes.Add((byte)(value | 0x80));
        bytes.Add((byte)value);
        return [.. bytes];
    }

    private static byte[] Tag(int field, int wireType) => Varint((ulong)(field << 3 | wireType));

    private static byte[] Bytes(int field, byte[] payload) => [.. Tag(field, 2), .. Varint((ulong)payload.Length), .. payload];

    private static byte[] Text(int field, string text) => Bytes(field, Encoding.UTF8.GetBytes(text));

    private static byte[] Number(int field, ulong value) => [.. Tag(field, 0), .. Varint(value)];

    private static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    [TestMethod]
    public void Parse_AHandWrittenModel_ReadsNodesAndFloatInitializersInEveryEncoding()
    {
        byte[] node = [.. Text(1, "x"), .. Text(1, "w"), .. Text(2, "y"), .. Text(3, "conv0"), .. Text(4, "Conv")];
        // dims unpacked (onnx.proto's default), float_data packed.
        byte[] packed = [.. Number(1, 2), .. Number(1, 2), .. Number(2, 1), .. Bytes(4, Floats(1, 2, 3, 4)), .. Text(8, "w")];
        // dims packed, raw_data, and an unknown field to skip.
        byte[] raw = [.. Bytes(1, Varint(3)), .. Number(2, 1), .. Text(8, "b"), .. Bytes(9, Floats(-1, 0.5f, 7)), .. Number(99, 5)];
        byte[] int64 = [.. Number(1, 1), .. Number(2, 7), .. Bytes(7, Varint(42)), .. Text(8, "shape")];
        byte[] graph = [.. Bytes(1, node), .. Text(2, "g"), .. Bytes(5, packed), .. Bytes(5, raw), .. Bytes(5, int64)];
        byte[] model = [.. Number(1, 8), .. Text(2, "test"), .. Bytes(7, graph)];

        var parsed = OnnxGraph.Parse(model);

        var only = parsed.Nodes.Single();
        Assert.AreEqual("Conv", only.OpType);
        CollectionAssert.AreEqual(new[] { "x", "w" }, only.Inputs.ToArray());
        CollectionAssert.AreEqual(new[] { "y" }, only.Outputs.ToArray());
        CollectionAssert.AreEqual(new long[] { 2, 2 }, parsed.Initializers["w"].Dims);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4 }, parsed.Initializers["w"].Values);
        CollectionAssert.AreEqual(new long[] { 3 }, parsed.Initializers["b"].Dims);
        CollectionAssert.AreEqual(new float[] { -1, 0.5f, 7 }, parsed.Initializers["b"].Values);
        Assert.IsFalse(parsed.Initializers.ContainsKey("shape"), "int64 initializers hold no weights");
    }

    [TestMethod]
    public void Parse_AnInitializerWithTooFewValues_SaysWhich()
    {
        byte[] tensor = [.. Number(1, 4), .. Number(2, 1), .. Bytes(4, Floats(1, 2)), .. Text(8, "short")];
        byte[] model = Bytes(7, Bytes(5, tensor));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => OnnxGraph.Parse(model));
        StringAssert.Contains(e.Message, "initializer 'short' of shape [4] holds 2 values, expected 4");
    }

    [TestMethod]
    public void Read_ATruncatedModel_NamesTheFile()
    {
        string source = PretrainedBackbone.ResNet18ImageNet().PreprocessingPath!;
        string path = Path.Combine(TestData.TempDirectory(), "ResNetPreprocess.onnx");
        try
        {
            byte[] bytes = File.ReadAllBytes(source);
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => OnnxGraph.Read(path));
            StringAssert.Contains(e.Message, $"Cannot read the ONNX model '{path}'");
            StringAssert.Contains(e.Message, "truncated");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, true);
        }
    }

    [TestMethod]
    public void ReadMeanImage_OfThePackagesPreprocessing_HasCntksBgrChannelMeans()
    {
        using var mean = CntkResNetImport.ReadMeanImage(PretrainedBackbone.ResNet18ImageNet().PreprocessingPath!);
        CollectionAssert.AreEqual(new long[] { 1, 3, 224, 224 }, mean.shape);
        using var channels = mean.mean([0, 2, 3]);
        float[] bgr = channels.data<float>().ToArray();
        Assert.AreEqual(103.1, bgr[0], 0.1);
        Assert.AreEqual(115.9, bgr[1], 0.1);
        Assert.AreEqual(123.2, bgr[2], 0.1);
    }

    [TestMethod]
    public void ReadWeights_OfAModelThatIsNotAResNet_SaysWhatWasExpected()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            CntkResNetImport.ReadWeights(PretrainedBackbone.ResNet18ImageNet().PreprocessingPath!));
        StringAssert.Contains(e.Message, "is not the CNTK ResNet-18 of Microsoft.ML.DnnImageFeaturizer.ResNet18");
    }
}
