using Microsoft.ML.Runtime;
using MlNetTriplet.Training;

namespace MlNetTriplet;

/// <summary>The training loop's log on an ML.NET host: messages go to one channel of the host (they reach
/// <c>MLContext.Log</c>), and the host's <c>CheckAlive</c> stops a run whose environment was cancelled.</summary>
internal sealed class HostTrainingLog(IHost host, string channelName) : ITrainingLog, IDisposable
{
    private readonly IChannel _channel = host.Start(channelName);

    public void Info(string message) => _channel.Info("{0}", message);

    /// <summary>A warning of the estimator's own (an unreadable photo left out), on the same channel.</summary>
    public void Warning(string message) => _channel.Warning("{0}", message);

    public void CheckAlive() => host.CheckAlive();

    public void Dispose() => _channel.Dispose();
}
