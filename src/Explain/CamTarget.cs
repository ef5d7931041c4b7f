using MlNetTriplet.Explain;

namespace MlNetTriplet;

/// <summary>The score a class activation map explains: the predicted class (the default), a class named by its
/// label, or the predicted class against another one (the difference of their logits, which shows what tells them
/// apart).</summary>
public sealed class CamTarget
{
    private CamTarget(CamTargetKind kind, string? label)
    {
        Kind = kind;
        Label = label;
    }

    /// <summary>Each row's predicted class (its highest score).</summary>
    public static CamTarget PredictedClass { get; } = new(CamTargetKind.Predicted, null);

    /// <summary>The predicted class against the runner-up (the second highest score): with two classes, the predicted
    /// class's map minus the other class's, as the classic cat-versus-dog CAM shows it.</summary>
    public static CamTarget PredictedVersusRunnerUp { get; } = new(CamTargetKind.PredictedVersusRunnerUp, null);

    /// <summary>The class whose label value is <paramref name="label"/> (as text, e.g. "bees" or "7"), for every row.</summary>
    /// <exception cref="ArgumentException"><paramref name="label"/> is null or blank.</exception>
    public static CamTarget Class(string label) => new(CamTargetKind.Class, CheckLabel(label));

    /// <summary>The predicted class against the class labelled <paramref name="label"/>; on rows predicted as that
    /// class, against the runner-up instead (a class against itself would explain nothing).</summary>
    /// <exception cref="ArgumentException"><paramref name="label"/> is null or blank.</exception>
    public static CamTarget PredictedVersus(string label) => new(CamTargetKind.PredictedVersus, CheckLabel(label));

    internal CamTargetKind Kind { get; }

    internal string? Label { get; }

    internal static CamTarget From(CamTargetKind kind, string? label) => new(kind, label);

    /// <summary>The target as written in code, e.g. <c>Class("bees")</c>.</summary>
    public override string ToString() => Kind switch
    {
        CamTargetKind.Predicted => nameof(PredictedClass),
        CamTargetKind.PredictedVersusRunnerUp => nameof(PredictedVersusRunnerUp),
        CamTargetKind.Class => $"{nameof(Class)}(\"{Label}\")",
        _ => $"{nameof(PredictedVersus)}(\"{Label}\")",
    };

    private static string CheckLabel(string label) =>
        string.IsNullOrWhiteSpace(label)
            ? throw new ArgumentException("A CamTarget label must name a class (its label value as text).", nameof(label))
            : label;
}
