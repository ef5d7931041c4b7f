namespace MlNetTriplet.Explain;

/// <summary>What a <see cref="CamTarget"/> is; persisted by name in model zips.</summary>
internal enum CamTargetKind
{
    Predicted,
    PredictedVersusRunnerUp,
    Class,
    PredictedVersus,
}
