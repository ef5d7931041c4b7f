namespace MlNetTriplet.Cli.Running;

/// <summary>Ctrl+C: the first press asks training to stop between two steps and keep the best model so far; a second
/// press ends the process at once.</summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly RunConsole _console;

    public StopSignal(RunConsole console)
    {
        _console = console;
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    /// <summary>Cancelled at the first Ctrl+C.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether Ctrl+C was pressed.</summary>
    public bool Requested => _source.IsCancellationRequested;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _source.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested)
            return;
        e.Cancel = true;
        _console.Line("Ctrl+C: stopping after the current step and keeping the best model so far (Ctrl+C again quits at once).");
        _source.Cancel();
    }
}
