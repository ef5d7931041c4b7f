using System.Collections;
using System.Reflection;
using Microsoft.ML;
using MlNetTriplet.Plots;

namespace MlNetTriplet.Tests.Checks;

/// <summary>Every public option of every options object, set to a value it does not accept, is refused before any data
/// is read, with the exception type of its kind of fault and a message of one form that names the option as the user
/// reaches it, the value and what is accepted ("Option X.Y is v: expected ..."). The table must list every public
/// settable option: a new option fails <see cref="Table_ListsEveryPublicOption"/> until it is given an invalid value
/// here (or declared to accept any value).</summary>
[TestClass]
public sealed class OptionMessagesTests
{
    private static readonly MLContext Ml = new(seed: 0);

    /// <summary>How each options object is checked: through the public call that takes it.</summary>
    private static readonly Dictionary<Type, Action<object>> Entry = new()
    {
        [typeof(CnnClassifierTrainer.Options)] = o => Ml.MulticlassClassification.Trainers.Cnn((CnnClassifierTrainer.Options)o),
        [typeof(TripletEmbeddingOptions)] = o => Ml.Transforms.TripletEmbedding((TripletEmbeddingOptions)o),
        [typeof(NeuralNetworkBinaryTrainer.Options)] = o => Ml.BinaryClassification.Trainers.NeuralNetwork((NeuralNetworkBinaryTrainer.Options)o),
        [typeof(NeuralNetworkMulticlassTrainer.Options)] = o =>
            Ml.MulticlassClassification.Trainers.NeuralNetwork((NeuralNetworkMulticlassTrainer.Options)o),
        [typeof(TransferLearningTrainer.Options)] = o => Ml.MulticlassClassification.Trainers.TransferLearning((TransferLearningTrainer.Options)o),
        [typeof(UmapOptions)] = o => Ml.Transforms.ProjectToUmap("Umap", "Embedding", (UmapOptions)o),
        [typeof(NearestNeighborsOptions)] = o => Ml.Transforms.NearestNeighbors((NearestNeighborsOptions)o),
        [typeof(EmbeddingEvaluationOptions)] = o => Ml.Embeddings().Evaluate(Rows(), options: (EmbeddingEvaluationOptions)o),
        [typeof(CamGalleryOptions)] = o => CamGallery.Save(Rows(), Path.Combine(Path.GetTempPath(), "never-written.png"), (CamGalleryOptions)o),
        [typeof(NeighborGalleryOptions)] = o =>
            NeighborGallery.Save(Rows(), Path.Combine(Path.GetTempPath(), "never-written.png"), (NeighborGalleryOptions)o),
        // The CAM estimator needs a fitted classifier before it reads its options; their check is the same call.
        [typeof(ClassActivationMapOptions)] = o => ((ClassActivationMapOptions)o).Validate(),
    };

    private static readonly Type[] TrainerOptions = [typeof(CnnClassifierTrainer.Options), typeof(TripletEmbeddingOptions),
        typeof(NeuralNetworkBinaryTrainer.Options), typeof(NeuralNetworkMulticlassTrainer.Options), typeof(TransferLearningTrainer.Options)];

    private const int Undefined = 42;   // cast to an enum: a value no member has

    /// <summary>The training engine's options, refused the same way by every estimator.</summary>
    private static readonly Case[] EngineCases =
    [
        new("NumberOfEpochs", 0), new("BatchSize", 0), new("InferenceBatchSize", 0), new("Optimizer", (OptimizerKind)Undefined),
        new("LearningRate", 0.0), new("LearningRate", double.NaN), new("Momentum", 1.0),
        new("LearningRateSchedule", (LearningRateSchedule)Undefined), new("LearningRateDecay", 0.0), new("LearningRateStepEpochs", 0),
        new("L1", -1e-3), new("L2", double.PositiveInfinity), new("GradientClipValue", (double?)0), new("GradientClipNorm", (double?)-1),
        new("ValidationFraction", 1.0), new("EarlyStoppingPatience", -1), new("EarlyStoppingMinDelta", -0.1),
        new("EarlyStoppingMetric", (EarlyStoppingMetric)Undefined), new("CheckpointDirectory", " ", typeof(ArgumentOutOfRangeException)),
        new("ResumeFromCheckpoint", true, typeof(ArgumentException)), new("Device", "gpu"),
    ];

    /// <summary>Each options object's own options (and those of the objects it holds, by path).</summary>
    private static readonly (Type Root, Case Case)[] OwnCases =
    [
        .. For<CnnClassifierTrainer.Options>(
            new("LabelColumnName", " ", typeof(ArgumentException)), new("FeatureColumnName", "", typeof(ArgumentException)),
            new("ImageShape.Channels", 0, Named: "ImageShape", Also: ("ImageShape", new ImageShape(1, 28, 28))),
            new("ImageShape.Height", 0, Named: "ImageShape", Also: ("ImageShape", new ImageShape(1, 28, 28))),
            new("ImageShape.Width", -1, Named: "ImageShape", Also: ("ImageShape", new ImageShape(1, 28, 28))),
            new("Architecture", null, typeof(ArgumentNullException)),
            new("Architecture.Blocks", Array.Empty<ConvBlock>()), new("Architecture.Head", (CnnHead)Undefined),
            new("Architecture.DenseUnits", new[] { 128, 0 }), new("Architecture.DenseActivation", (Activation)Undefined),
            new("Architecture.HeadDropout", 1f),
            new("Architecture.Blocks[1].Filters", 0), new("Architecture.Blocks[1].KernelSize", 0), new("Architecture.Blocks[1].Stride", 0),
            new("Architecture.Blocks[1].Padding", (int?)-1), new("Architecture.Blocks[1].Activation", (Activation)Undefined),
            new("Architecture.Blocks[1].Pooling", (Pooling)Undefined), new("Architecture.Blocks[1].PoolSize", 0),
            new("Architecture.Blocks[1].Dropout", -0.5f),
            new("Architecture.Blocks[0].SamePadding", true, typeof(ArgumentException), Also: ("Architecture.Blocks[0].Stride", 2)),
            new("Augmentation", ImageAugmentation.Default, Valid: true),
            new("Augmentation.MinimumScale", 0.0), new("Augmentation.MaximumScale", 1.5), new("Augmentation.MinimumAspectRatio", 0.0),
            new("Augmentation.MaximumAspectRatio", double.NaN), new("Augmentation.HorizontalFlipProbability", -0.5),
            new("Augmentation.MinimumScale", 0.9, typeof(ArgumentException), Also: ("Augmentation.MaximumScale", 0.5))),
        .. For<TripletEmbeddingOptions>(
            new("LabelColumnName", "", typeof(ArgumentException)), new("FeatureColumnName", " ", typeof(ArgumentException)),
            new("OutputColumnName", null, typeof(ArgumentException)),
            new("ImageShape.Channels", 0, Named: "ImageShape", Also: ("ImageShape", new ImageShape(1, 28, 28))),
            new("Architecture.HeadDropout", 2f, Also: ("Architecture", new CnnArchitecture())),
            new("Mlp.InputDropout", 1f, Also: ("Mlp", new MlpArchitecture())),
            new("Mlp", new MlpArchitecture(), typeof(ArgumentException), Also: ("Architecture", new CnnArchitecture())),
            new("EmbeddingSize", 0), new("EmbeddingActivation", (Activation?)(Activation)Undefined), new("Loss", (TripletLossKind)Undefined),
            new("Mining", (TripletMining)Undefined), new("Sampling", (TripletSampling)Undefined), new("Distance", (DistanceMetric)Undefined),
            new("Distance", DistanceMetric.Correlation),
            new("Margin", -1.0), new("Reduction", (TripletReduction?)(TripletReduction)Undefined), new("StepsPerEpoch", (int?)0),
            new("ClassesPerBatch", 1), new("SamplesPerClass", 1),
            new("EmbeddingSource", PhotoEmbeddingSource.Backbone, typeof(ArgumentException), Also: ("NormalizeEmbedding", false)),
            new("EmbeddingSource", PhotoEmbeddingSource.BackboneAndPretrained, typeof(ArgumentException)),
            new("EmbeddingSource", (PhotoEmbeddingSource)Undefined),
            new("EarlyStoppingMetric", EarlyStoppingMetric.ValidationAccuracy),
            new("Mining", TripletMining.None, typeof(ArgumentException)),
            new("BatchSize", 1, typeof(ArgumentException)),
            new("Backbone", null, Valid: true), new("BackboneMode", (TransferMode)Undefined),
            new("Backbone", PretrainedBackbone.ResNet18ImageNet(), typeof(ArgumentException), Also: ("Mlp", new MlpArchitecture())),
            new("FineTuneBlocks", (int?)0, Also: ("BackboneMode", TransferMode.FineTuneLastBlocks)),
            new("FineTuneBlocks", (int?)2, typeof(ArgumentException)),
            new("BackboneLearningRateFactor", 1.5), new("Augmentation.MinimumScale", 0.0), new("DecoderThreads", (int?)0),
            new("BatchSize", 1, typeof(ArgumentException), Also: ("BackboneMode", TransferMode.FineTuneAll)),
            new("Contrastive", null, typeof(ArgumentNullException)), new("Contrastive.PositiveMargin", -1.0),
            new("Contrastive.NegativeMargin", (double?)0), new("Contrastive.NegativeMargin", (double?)0.5, typeof(ArgumentException),
                Also: ("Contrastive.PositiveMargin", 1.0)),
            new("MultiSimilarity", null, typeof(ArgumentNullException)), new("MultiSimilarity.Alpha", 0.0),
            new("MultiSimilarity.Beta", double.NaN), new("MultiSimilarity.Base", 2.0), new("MultiSimilarity.Epsilon", -0.1),
            new("ProxyAnchor", null, typeof(ArgumentNullException)), new("ProxyAnchor.Alpha", -1.0), new("ProxyAnchor.Delta", 1.0),
            new("ProxyAnchor.LearningRateFactor", 0.0),
            new("Mining", (TripletMining?)TripletMining.SemiHard, typeof(ArgumentException), Also: ("Loss", TripletLossKind.Contrastive)),
            new("Distance", (DistanceMetric?)DistanceMetric.Euclidean, typeof(ArgumentException), Also: ("Loss", TripletLossKind.MultiSimilarity)),
            new("Reduction", (TripletReduction?)TripletReduction.Mean, typeof(ArgumentException), Also: ("Loss", TripletLossKind.ProxyAnchor)),
            new("Loss", TripletLossKind.ProxyAnchor, Valid: true), new("Loss", TripletLossKind.MultiSimilarity, Valid: true),
            new("Loss", TripletLossKind.Contrastive, Valid: true)),
        .. For<NeuralNetworkBinaryTrainer.Options>(
            new("LabelColumnName", "\t", typeof(ArgumentException)), new("FeatureColumnName", "", typeof(ArgumentException)),
            new("Architecture", null, typeof(ArgumentNullException)),
            new("Architecture.HiddenLayers", new[] { 64, -1 }), new("Architecture.Activation", (Activation)Undefined),
            new("Architecture.InputDropout", -0.1f), new("Architecture.HiddenDropout", 1f),
            new("BatchSize", 1, typeof(ArgumentException), Also: ("Architecture.BatchNorm", true)),
            new("PositiveClassWeight", 0.0)),
        .. For<NeuralNetworkMulticlassTrainer.Options>(
            new("LabelColumnName", "", typeof(ArgumentException)), new("FeatureColumnName", " ", typeof(ArgumentException)),
            new("Architecture", null, typeof(ArgumentNullException)), new("ClassWeights", new[] { 1f, -1f })),
        .. For<TransferLearningTrainer.Options>(
            new("LabelColumnName", "", typeof(ArgumentException)), new("ImageColumnName", " ", typeof(ArgumentException)),
            new("Backbone", null, Valid: true), new("Mode", (TransferMode)Undefined),
            new("FineTuneBlocks", (int?)0, Also: ("Mode", TransferMode.FineTuneLastBlocks)),
            new("FineTuneBlocks", (int?)2, typeof(ArgumentException)),
            new("BackboneLearningRateFactor", 0.0), new("HeadDropout", 1f), new("Augmentation.HorizontalFlipProbability", 2.0),
            new("FeaturesColumnName", "Score", typeof(ArgumentException)), new("FeaturesColumnName", "PredictedLabel", typeof(ArgumentException)),
            new("FeaturesColumnName", " ", typeof(ArgumentException)), new("DecoderThreads", (int?)0),
            new("BatchSize", 1, typeof(ArgumentException), Also: ("Mode", TransferMode.FineTuneAll))),
        .. For<UmapOptions>(
            new("NeighborCount", 1), new("ComponentCount", 0), new("MinDistance", -1f), new("Spread", 0f),
            new("MinDistance", 2f, typeof(ArgumentException)), new("Metric", (DistanceMetric)Undefined),
            new("Metric", DistanceMetric.SquaredEuclidean), new("EpochCount", (int?)0),
            new("NegativeSampleRate", -1), new("LearningRate", float.NaN), new("LocalConnectivity", -1f), new("SetOpMixRatio", 1.5f),
            new("RepulsionStrength", -1f), new("MaxThreads", (int?)0)),
        .. For<NearestNeighborsOptions>(
            new("FeatureColumnName", " ", typeof(ArgumentException)), new("LabelColumnName", "", typeof(ArgumentException)),
            new("IdColumnName", " ", typeof(ArgumentException)), new("NeighborCount", 0), new("Distance", (DistanceMetric)Undefined),
            new("SearchEpsilon", -0.1f), new("SearchEpsilon", float.NaN), new("Vote", (NeighborVote?)(NeighborVote)Undefined),
            new("NeighborIdsColumnName", "", typeof(ArgumentException)), new("NeighborLabelsColumnName", null, typeof(ArgumentException)),
            new("NeighborDistancesColumnName", " ", typeof(ArgumentException)),
            new("NeighborDistancesColumnName", "NeighborIds", typeof(ArgumentException)),
            new("NeighborLabelsColumnName", "Score", typeof(ArgumentException), Also: ("Vote", (NeighborVote?)NeighborVote.Majority)),
            new("NeighborIdsColumnName", "PredictedLabel", Valid: true), new("MaxThreads", (int?)0)),
        .. For<ClassActivationMapOptions>(
            new("Method", (CamMethod)Undefined), new("Target", null, typeof(ArgumentNullException)), new("LayerName", " "),
            new("OutputColumnName", "", typeof(ArgumentException)), new("ExplainedLabelColumnName", " ", typeof(ArgumentException)),
            new("BoxColumnName", "", typeof(ArgumentException)), new("BoxThreshold", 0f),
            new("PreparedImageColumnName", " ", typeof(ArgumentException)),
            new("PreparedImageColumnName", "ActivationMap", typeof(ArgumentException)), new("BatchSize", (int?)0)),
        .. For<EmbeddingEvaluationOptions>(
            new("KnnNeighborCount", (int?)0), new("Distance", (DistanceMetric)Undefined), new("KMeansRestarts", 0),
            new("KMeansMaxIterations", 0)),
        .. For<CamGalleryOptions>(
            new("ImageColumnName", "", typeof(ArgumentException)), new("MapColumnName", " ", typeof(ArgumentException)),
            new("LabelColumnName", " ", typeof(ArgumentException)), new("BoxColumnName", "", typeof(ArgumentException)),
            new("Selection", (CamGallerySelection)Undefined), new("MaxImages", 0), new("Columns", -1), new("TileSize", 8),
            new("ImageWeight", 1.5f), new("Selection", CamGallerySelection.Wrong, typeof(ArgumentException), Also: ("LabelColumnName", null))),
        .. For<NeighborGalleryOptions>(
            new("ImagePathColumnName", "", typeof(ArgumentException)), new("LabelColumnName", " ", typeof(ArgumentException)),
            new("NeighborPathsColumnName", "", typeof(ArgumentException)), new("NeighborLabelsColumnName", " ", typeof(ArgumentException)),
            new("NeighborDistancesColumnName", " ", typeof(ArgumentException)), new("MaxQueries", 0), new("MaxNeighbors", 0),
            new("TileSize", 8)),
    ];

    /// <summary>Options any value of which is accepted (flags, callbacks, seeds, titles, custom objects).</summary>
    private static readonly HashSet<string> AcceptAnyValue =
    [
        "NetworkTrainingOptions.Seed", "NetworkTrainingOptions.MetricsCallback", "NetworkTrainingOptions.ProgressCallback",
        "NetworkTrainingOptions.CancellationToken", "NetworkTrainingOptions.TuneNativeAllocator",
        "CnnClassifierTrainer.Options.SkipUnreadableImages", "TransferLearningTrainer.Options.SkipUnreadableImages",
        "TripletEmbeddingOptions.NormalizeEmbedding", "TripletEmbeddingOptions.EmbeddingBatchNorm",
        "TripletEmbeddingOptions.SkipUnreadableImages", "UmapOptions.CustomDistance", "UmapOptions.Seed",
        "EmbeddingEvaluationOptions.ComputeClusterQuality", "EmbeddingEvaluationOptions.Seed", "CamGalleryOptions.Title", "NeighborGalleryOptions.Title",
        "ConvBlock.BatchNorm", "MlpArchitecture.BatchNorm", "ImageAugmentation.RandomResizedCrop",
        "NearestNeighborsOptions.Approximate", "NearestNeighborsOptions.Seed",
    ];

    public static IEnumerable<object[]> Cases =>
        TrainerOptions.SelectMany(t => EngineCases.Select(c => (Root: t, Case: c))).Concat(OwnCases.Where(x => !x.Case.Valid))
            .Select(x => new object[] { x.Root, x.Case });

    public static string CaseName(MethodInfo _, object[] row) => $"{Owner((Type)row[0])}.{((Case)row[1]).Describe()}";

    [TestMethod]
    [DynamicData(nameof(Cases), DynamicDataDisplayName = nameof(CaseName))]
    public void Options_OptionSetToAValueItDoesNotAccept_RefusedNamingTheOptionTheValueAndWhatIsAccepted(Type root, Case c)
    {
        var options = Activator.CreateInstance(root)!;
        if (c.Also is { } also)
            options = Paths.With(options, also.Path, also.Value);
        options = Paths.With(options, c.Path, c.Value);
        var e = Expect.AnyException(() => Entry[root](options));
        string named = $"{Owner(root)}.{c.Named ?? c.Path}";
        Assert.AreEqual(c.Exception, e.GetType(), e.ToString());
        StringAssert.StartsWith(e.Message, $"Option {named} is ", e.Message);
        StringAssert.Contains(e.Message, ": expected ", e.Message);
        StringAssert.Contains(e.Message, Shown(c), e.Message);
        Assert.AreEqual(((ArgumentException)e).ParamName, (c.Named ?? c.Path).Split('.', '[')[^1].TrimEnd(']'), e.Message);
    }

    [TestMethod]
    [DynamicData(nameof(ValidCases))]
    public void Options_DefaultsAndTheTablesValidValues_Accepted(Type root, Case? c)
    {
        var options = Activator.CreateInstance(root)!;
        Entry[root](c is null ? options : Paths.With(options, c.Path, c.Value));
    }

    /// <summary>Each options object with its defaults (null), and the values the table marks as valid.</summary>
    public static IEnumerable<object?[]> ValidCases =>
        TrainerOptions.Concat([typeof(UmapOptions), typeof(ClassActivationMapOptions), typeof(NearestNeighborsOptions)]).Select(t => new object?[] { t, null })
            .Concat(OwnCases.Where(x => x.Case.Valid).Select(x => new object?[] { x.Root, x.Case }));

    [TestMethod]
    public void Table_ListsEveryPublicOption()
    {
        var listed = new HashSet<string>(AcceptAnyValue);
        foreach (var root in TrainerOptions)
            foreach (var c in EngineCases)
                listed.Add($"{nameof(NetworkTrainingOptions)}.{c.Path}");
        // A case covers the option at the end of its path and every option along it ("ImageShape.Channels": both).
        foreach (var (root, c) in OwnCases)
            for (int end = c.Path.IndexOf('.'); ; end = c.Path.IndexOf('.', end + 1))
            {
                var (declaring, property) = Paths.Declaring(root, end < 0 ? c.Path : c.Path[..end]);
                listed.Add($"{Owner(declaring)}.{property}");
                if (end < 0)
                    break;
            }
        var missing = Entry.Keys
            .Concat([typeof(CnnArchitecture), typeof(ConvBlock), typeof(MlpArchitecture), typeof(ImageAugmentation), typeof(ImageShape),
                typeof(ContrastiveLossOptions), typeof(MultiSimilarityLossOptions), typeof(ProxyAnchorLossOptions)])
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true)
                .Select(p => $"{Owner(p.DeclaringType!)}.{p.Name}"))
            .Distinct().Where(name => !listed.Contains(name)).ToList();
        if (missing.Count > 0)
            Assert.Fail("Options with no invalid value in the table (nor in AcceptAnyValue): " + string.Join(", ", missing));
    }

    /// <summary>One row of the table: the option's path from the options object, the value set, the exception it
    /// gives, the option the message names when not the path itself, and another option set first.</summary>
    public sealed record Case(string Path, object? Value, Type? ExceptionType = null, string? Named = null,
        (string Path, object? Value)? Also = null, bool Valid = false)
    {
        public Type Exception => ExceptionType ?? typeof(ArgumentOutOfRangeException);

        public string Describe() => $"{Path}={Show(Value)}" + (Also is { } a ? $" with {a.Path}={Show(a.Value)}" : "");
    }

    private static (Type, Case)[] For<T>(params Case[] cases) => cases.Select(c => (typeof(T), c)).ToArray();

    /// <summary>The value as the message should show it (enums as their number when undefined, text quoted).</summary>
    private static string Shown(Case c) => c.Named is null ? Show(c.Value) : "";

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        Enum e => Enum.IsDefined(e.GetType(), e) ? e.ToString() : Convert.ToInt64(e).ToString(),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Show)) + "]",
        _ => "",
    };

    private static string Owner(Type type) => type.DeclaringType is { } outer ? $"{Owner(outer)}.{type.Name}" : type.Name;

    /// <summary>Rows for the calls that read data: two classes of 2-d embeddings with a prepared-image column.</summary>
    private static IDataView Rows() => Ml.Data.LoadFromEnumerable(Enumerable.Range(0, 4).Select(i => new Row
    {
        Embedding = [i, i % 2], Label = (uint)(i % 2 + 1), PreparedImage = new float[12],
    }));

    private sealed class Row
    {
        [Microsoft.ML.Data.VectorType(2)] public float[] Embedding { get; set; } = [];
        [Microsoft.ML.Data.KeyType(2)] public uint Label { get; set; }
        [Microsoft.ML.Data.VectorType(12)] public float[] PreparedImage { get; set; } = [];
    }

    /// <summary>Sets an option by its path ("Architecture.Blocks[1].Filters") on a copy of each object along it: records
    /// and structs are copied, lists are rebuilt.</summary>
    private static class Paths
    {
        public static object With(object root, string path, object? value)
        {
            var (head, index, rest) = Split(path);
            var property = root.GetType().GetProperty(head)!;
            if (rest is null && index is null)
                return Set(root, property, value);
            var child = property.GetValue(root) ?? Activator.CreateInstance(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType)!;
            if (index is int i)
            {
                var items = ((IEnumerable)child).Cast<object>().ToList();
                items[i] = rest is null ? value! : With(items[i], rest, value);
                var elementType = property.PropertyType.GetGenericArguments()[0];
                var list = Array.CreateInstance(elementType, items.Count);
                for (int k = 0; k < items.Count; k++)
                    list.SetValue(items[k], k);
                return Set(root, property, list);
            }
            return Set(root, property, With(Copy(child), rest!, value));
        }

        /// <summary>The type that declares the path's last option, and its name.</summary>
        public static (Type, string) Declaring(Type root, string path)
        {
            var (head, index, rest) = Split(path);
            var property = root.GetProperty(head)!;
            if (rest is null)
                return (property.DeclaringType!, head);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            return Declaring(index is null ? type : type.GetGenericArguments()[0], rest);
        }

        private static (string Head, int? Index, string? Tail) Split(string path)
        {
            int dot = path.IndexOf('.');
            string first = dot < 0 ? path : path[..dot];
            string? rest = dot < 0 ? null : path[(dot + 1)..];
            int bracket = first.IndexOf('[');
            return bracket < 0 ? (first, null, rest) : (first[..bracket], int.Parse(first[(bracket + 1)..^1]), rest);
        }

        private static object Set(object target, PropertyInfo property, object? value)
        {
            var copy = Copy(target);
            property.SetValue(copy, value);
            return copy;
        }

        /// <summary>A copy of a record (its compiler-made clone) or struct; other objects are changed in place.</summary>
        private static object Copy(object value) =>
            value.GetType().GetMethod("<Clone>$") is { } clone ? clone.Invoke(value, null)! : value;
    }
}
