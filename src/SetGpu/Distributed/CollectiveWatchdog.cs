using System.Diagnostics;

namespace SetGpu.Distributed;

/// <summary>
/// Bounds the wait inside a collective. MPICH ends the job when a rank dies; a rank that hangs (or a death nobody
/// noticed) would leave the others waiting for ever. A collective that waits longer than the timeout makes this rank
/// say which collective and which rank it is, and end its process with exit code 4, which makes the launcher end the job.
/// </summary>
internal sealed class CollectiveWatchdog : IDisposable
{
    /// <summary>The exit code of a rank that gave up waiting.</summary>
    public const int ExitCode = 4;

    readonly TimeSpan _timeout;
    readonly int _rank;
    readonly Thread _thread;
    readonly ManualResetEventSlim _stop = new();
    long _startedTicks; // 0: no collective in progress
    string _what = "";

    public CollectiveWatchdog(TimeSpan timeout, int rank)
    {
        _timeout = timeout;
        _rank = rank;
        _thread = new Thread(Watch) { IsBackground = true, Name = "collective watchdog" };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="collective"/> (described by <paramref name="what"/>) under the timeout.</summary>
    public void Run(string what, Action collective)
    {
        _what = what;
        Volatile.Write(ref _startedTicks, Stopwatch.GetTimestamp());
        try { collective(); }
        finally { Volatile.Write(ref _startedTicks, 0); }
    }

    void Watch()
    {
        var poll = TimeSpan.FromMilliseconds(Math.Clamp(_timeout.TotalMilliseconds / 10, 50, 1000));
        while (!_stop.Wait(poll))
        {
            long started = Volatile.Read(ref _startedTicks);
            if (started == 0) continue;
            var waited = Stopwatch.GetElapsedTime(started);
            if (waited < _timeout) continue;
            Console.Out.Flush();
            Console.Error.WriteLine($"error: rank {_rank}: {_what} waited {waited.TotalSeconds:F0} s for the other ranks " +
                                    $"(collective timeout {_timeout.TotalSeconds:F0} s): another rank died or hangs; ending the job");
            Console.Error.Flush();
            Environment.Exit(ExitCode);
        }
    }

    public void Dispose() => _stop.Set();
}
