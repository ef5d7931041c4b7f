namespace MlNetTriplet.Backbones;

/// <summary>Finds the ONNX files of NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>, which its build props copy
/// into the application's output folder; a missing file fails with the exact line to add.</summary>
internal static class FeaturizerFiles
{
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18", PackageVersion = "0.23.1";
    private const string ModelsFolder = "DnnImageModels", ModelFolder = "ResNet18Onnx", ModelFile = "ResNet18.onnx",
        PreprocessFolder = "ResNetPrepOnnx", PreprocessFile = "ResNetPreprocess.onnx";

    /// <summary>The model and preprocessing files: the given paths, else the package's layout under
    /// <paramref name="applicationDirectory"/> (the preprocessing file is also looked for beside a given model).</summary>
    public static (string Model, string Preprocess) Locate(string? modelPath, string? preprocessPath,
        string applicationDirectory)
    {
        string model = modelPath ?? Path.Combine(applicationDirectory, ModelsFolder, ModelFolder, ModelFile);
        if (!File.Exists(model))
            throw new FileNotFoundException(modelPath is null
                ? $"The ImageNet ResNet-18 is not in this application: expected '{model}'. {HowToAdd}"
                : $"onnxModelPath '{modelPath}' does not exist. {HowToAdd}", model);

        if (preprocessPath is not null)
            return File.Exists(preprocessPath)
                ? (model, preprocessPath)
                : throw new FileNotFoundException(
                    $"onnxPreprocessPath '{preprocessPath}' does not exist: pass the package's {PreprocessFile}.", preprocessPath);

        string modelDirectory = Path.GetDirectoryName(Path.GetFullPath(model))!;
        string[] candidates =
        [
            Path.Combine(modelDirectory, "..", PreprocessFolder, PreprocessFile),
            Path.Combine(modelDirectory, PreprocessFile),
            Path.Combine(applicationDirectory, ModelsFolder, PreprocessFolder, PreprocessFile),
        ];
        return (model, candidates.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException(
            $"The ImageNet ResNet-18's preprocessing ({PreprocessFile}, its mean image) was not found beside '{model}' " +
            $"nor in '{applicationDirectory}'. {HowToAdd}", PreprocessFile));
    }

    private static string HowToAdd =>
        $"Add the package that ships it to the application's project (its build copies the .onnx files into the output " +
        $"folder): <PackageReference Include=\"{PackageId}\" Version=\"{PackageVersion}\" /> " +
        $"(dotnet add package {PackageId} --version {PackageVersion}), or pass the files: " +
        $"PretrainedBackbone.ResNet18ImageNet(onnxModelPath: \".../{ModelFile}\", onnxPreprocessPath: \".../{PreprocessFile}\").";
}
