namespace MlNetTriplet.Training;

/// <summary>Where the training loop reports, and how it learns that it must stop, without knowing ML.NET: an estimator
/// adapts its host to it (<see cref="HostTrainingLog"/>: a channel of <c>MLContext.Log</c>, the host's cancellation).</summary>
internal interface ITrainingLog
{
    /// <summary>A status or progress message.</summary>
    void Info(string message);

    /// <summary>Throws <see cref="OperationCanceledException"/> when the environment the run belongs to was cancelled.</summary>
    void CheckAlive();
}
