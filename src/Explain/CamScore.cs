using static TorchSharp.torch;

namespace MlNetTriplet.Explain;

/// <summary>A <see cref="CamTarget"/> resolved on one batch: the class each row's map explains and, for a contrast,
/// the class it is set against. The explained score is the class's logit, or the difference of the two logits.</summary>
internal sealed class CamScore
{
    private CamScore(Tensor explained, Tensor? other)
    {
        Explained = explained;
        Other = other;
    }

    /// <summary>The explained class of each row (N, int64).</summary>
    public Tensor Explained { get; }

    /// <summary>The class each row is contrasted with (N, int64), or null.</summary>
    public Tensor? Other { get; }

    /// <summary>Resolves <paramref name="kind"/> (with <paramref name="classIndex"/>, the named class of
    /// <see cref="CamTargetKind.Class"/> and <see cref="CamTargetKind.PredictedVersus"/>) on a batch's logits.</summary>
    public static CamScore Resolve(CamTargetKind kind, int classIndex, Tensor logits)
    {
        using var scope = NewDisposeScope();
        long rows = logits.shape[0];
        var named = full(rows, classIndex, int64, logits.device);
        var (explained, other) = kind switch
        {
            CamTargetKind.Predicted => (logits.argmax(1), null),
            CamTargetKind.Class => (named, null),
            _ => RankedPair(kind, named, logits),
        };
        return new CamScore(explained.MoveToOuterDisposeScope(), other?.MoveToOuterDisposeScope());
    }

    /// <summary>Row <paramref name="row"/>'s target, <paramref name="count"/> times (for copies of one image).</summary>
    public CamScore Row(long row, long count) =>
        new(Explained[row].expand(count), Other?[row].expand(count));

    /// <summary>Each row's explained logit, minus the contrasted one (N).</summary>
    public Tensor Of(Tensor logits) => Difference(logits);

    /// <summary>Each row's explained softmax probability, minus the contrasted one (N).</summary>
    public Tensor ProbabilityOf(Tensor logits) => Difference(logits.softmax(1));

    /// <summary>The explained class's rows of <paramref name="weight"/> (classes x C), minus the contrasted class's:
    /// N x C channel weights.</summary>
    public Tensor WeightsOf(Tensor weight)
    {
        var rows = weight.index_select(0, Explained);
        return Other is null ? rows : rows - weight.index_select(0, Other);
    }

    private Tensor Difference(Tensor values)
    {
        var explained = values.gather(1, Explained.unsqueeze(1)).squeeze(1);
        return Other is null ? explained : explained - values.gather(1, Other.unsqueeze(1)).squeeze(1);
    }

    private static (Tensor, Tensor?) RankedPair(CamTargetKind kind, Tensor named, Tensor logits)
    {
        var top = logits.topk(2, 1).indexes;
        var (first, second) = (top.select(1, 0), top.select(1, 1));
        // A row predicted as the named class is contrasted with its runner-up: a class against itself explains nothing.
        return kind == CamTargetKind.PredictedVersusRunnerUp
            ? (first, second)
            : (first, where(first.eq(named), second, named));
    }
}
