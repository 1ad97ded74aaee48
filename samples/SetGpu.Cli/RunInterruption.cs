using System.Runtime.InteropServices;

namespace SetGpu.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM (kill, a batch scheduler's time limit, docker stop) during training: both cancel the run,
/// which stops between two batches and saves its checkpoint; the process then exits 130 or 143 (128 + the signal).
/// </summary>
internal sealed class RunInterruption : IDisposable
{
    readonly CancellationTokenSource _cancel = new();
    readonly PosixSignalRegistration? _terminate;
    readonly ConsoleCancelEventHandler _ctrlC;
    volatile string? _signal;

    public RunInterruption()
    {
        _ctrlC = (_, e) =>
        {
            e.Cancel = true; // stop between two batches, save, then leave
            Request("Ctrl+C");
        };
        Console.CancelKeyPress += _ctrlC;
        try
        {
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true; // the runtime would otherwise exit at once, losing the epoch in progress
                Request("SIGTERM");
            });
        }
        catch (PlatformNotSupportedException) { } // no SIGTERM to handle there
    }

    /// <summary>Cancelled when a signal asks the run to stop.</summary>
    public CancellationToken Token => _cancel.Token;
    /// <summary>Whether a signal asked the run to stop.</summary>
    public bool Requested => _signal is not null;
    /// <summary>The signal that stopped the run ("Ctrl+C" or "SIGTERM"), null when none did.</summary>
    public string? Signal => _signal;
    /// <summary>The exit code for the signal: 128 + its number.</summary>
    public int ExitCode => _signal == "SIGTERM" ? 143 : 130;

    void Request(string signal)
    {
        _signal ??= signal;
        _cancel.Cancel();
    }

    /// <summary>Stops handling the signals (after training, a signal ends the process as usual).</summary>
    public void Dispose()
    {
        Console.CancelKeyPress -= _ctrlC;
        _terminate?.Dispose();
        _cancel.Dispose();
    }
}
