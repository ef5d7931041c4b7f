using MlNetTriplet.Tests.Infrastructure;

namespace MlNetTriplet.Tests.Export;

/// <summary>The ONNX project's own checker, <c>onnx.checker.check_model(model, full_check=True)</c> (structure, opset
/// and type rules, then strict shape inference), from Debian's python3-onnx (installed by ./test.sh).</summary>
internal static class OnnxChecker
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import sys, onnx
        for path in sys.argv[1:]:
            onnx.checker.check_model(onnx.load(path), full_check=True)
            print("checked", path)
        """;

    /// <summary>Checks every model; fails the test with the checker's message when one is rejected.</summary>
    public static void AssertValid(params byte[][] models)
    {
        if (!File.Exists(Python))
            Assert.Fail($"{Python} is missing: install Debian's python3-onnx (apt-get install -y python3-onnx), as ./test.sh does.");
        string folder = TestData.TempDirectory();
        try
        {
            var paths = models.Select((model, i) =>
            {
                string path = Path.Combine(folder, $"model{i}.onnx");
                File.WriteAllBytes(path, model);
                return path;
            }).ToList();
            var result = ChildProcess.Run(Python, ["-c", Script, .. paths], folder);
            Assert.AreEqual(0, result.ExitCode, $"onnx.checker rejected the model:\n{result.Output}");
            Assert.AreEqual(models.Length, result.Output.Split('\n').Count(l => l.StartsWith("checked ", StringComparison.Ordinal)),
                result.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
