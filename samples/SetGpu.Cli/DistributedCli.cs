using System.CommandLine;
using SetGpu.Distributed;

namespace SetGpu.Cli;

/// <summary>
/// <c>--distributed</c>: MPI is started only when it is given. Every rank runs the same command; rank 0 prints the
/// table and writes the report, checkpoints and exports; the other ranks print errors only. Each rank takes the device
/// of its local rank (<c>cuda</c> or <c>cuda:0</c> becomes <c>cuda:LOCAL_RANK</c>).
/// </summary>
internal static class DistributedCli
{
    /// <summary>The job this process is a rank of, or null for one process.</summary>
    public static DistributedTraining? Current { get; private set; }

    /// <summary>Runs <paramref name="run"/> as one rank when the command line asks for it, else as it is.</summary>
    public static int Run(RunCommandOptions o, ParseResult result, Func<int> run)
    {
        if (result.GetValue(o.Distributed) is not { } given) return run();
        var mode = given switch
        {
            "sync" => DistributedMode.Sync,
            "local-sgd" => DistributedMode.LocalSgd,
            _ => throw new ArgumentException($"--distributed: '{given}' is not a mode; use sync or local-sgd"),
        };
        int every = result.GetValue(o.AverageEvery);
        if (every < 0) throw new ArgumentException($"--average-every must be 0 (once per epoch) or more steps, got {every}");
        if (every > 0 && mode == DistributedMode.Sync) throw new ArgumentException("--average-every applies to --distributed local-sgd (sync averages every step)");
        double timeout = result.GetValue(o.CollectiveTimeout);
        if (!(timeout > 0)) throw new ArgumentException($"--collective-timeout must be a positive number of seconds, got {timeout}");

        var mpi = MpiCommunicator.Start();
        if (mpi.Rank != 0) Console.SetOut(TextWriter.Null);
        Console.WriteLine($"distributed: {mpi.Size} ranks, {DistributedTraining.Name(mode)}" +
                          (mode == DistributedMode.LocalSgd ? $", averaging {(every > 0 ? $"every {every} steps and " : "")}after each epoch" : ""));
        var ranks = RankProcesses.Gather(mpi);
        Console.WriteLine($"ranks: {string.Join(", ", ranks)}");
        var observer = mpi.LocalRank == 0 ? RankObserver.Start(ranks.Where(r => r.Host == Environment.MachineName)) : null;
        Current = new DistributedTraining(mpi, mode) { AverageEvery = every, CollectiveTimeout = TimeSpan.FromSeconds(timeout) };
        int code;
        try { code = run(); }
        finally
        {
            // An orderly end, failed or not: no rank has left yet (the last collective is behind every rank, and the
            // others finalise or fail alike), so the observer goes before it could blame one.
            if (observer is { HasExited: false }) observer.Kill();
        }
        // After a failure the process ends without finalising: the launcher then ends the ranks still waiting.
        if (code == 0) mpi.Dispose();
        return code;
    }

    /// <summary>The device of this rank: a GPU's index moves on by the local rank.</summary>
    public static Device DeviceFor(Device device) =>
        Current is { } job && device.Kind is DeviceKind.Cuda or DeviceKind.OpenCl
            ? device with { Index = device.Index + job.Communicator.LocalRank }
            : device;

    /// <summary>Whether this process writes files and prints: one process, or rank 0.</summary>
    public static bool Writes => Current?.IsRoot ?? true;

    /// <summary>
    /// Test fault: <c>SETGPU_TEST_KILL_RANK=RANK:EPOCH:BATCH</c> makes that rank kill itself (SIGKILL) after that batch of
    /// that epoch (1-based), as a crashed node would; <c>…:hang</c> makes it sleep for ever instead. Unset outside the fault tests.
    /// </summary>
    public static IProgress<Training.BatchProgress>? WithKillFault(IProgress<Training.BatchProgress>? inner)
    {
        if (Current is not { } job || Environment.GetEnvironmentVariable("SETGPU_TEST_KILL_RANK") is not { Length: > 0 } fault) return inner;
        var fields = fault.Split(':');
        var parts = fields.Take(3).Select(int.Parse).ToArray();
        bool hang = fields.Length > 3 && fields[3] == "hang";
        if (parts[0] != job.Communicator.Rank) return inner;
        return new Progress(b =>
        {
            inner?.Report(b);
            if (b.Epoch != parts[1] || b.Batch != parts[2]) return;
            if (hang) Thread.Sleep(Timeout.Infinite);
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        });
    }

    sealed class Progress(Action<Training.BatchProgress> report) : IProgress<Training.BatchProgress>
    {
        public void Report(Training.BatchProgress value) => report(value);
    }
}
