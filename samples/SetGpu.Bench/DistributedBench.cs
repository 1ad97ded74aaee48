using System.Diagnostics;
using SetGpu.Training;

namespace SetGpu.Bench;

/// <summary>
/// <c>distributed</c>: data-parallel training on MPI against one process, both at one thread per process
/// (<c>DOTNET_PROCESSOR_COUNT=1</c>), through the command line: 1 process at the global batch, then
/// <c>mpiexec -n RANKS</c> in sync mode (each rank at global/ranks) and in local-SGD mode (averaged once per epoch).
/// Prints per run the median epoch time, its ratio to the single process, the test accuracy, the bytes each rank gives
/// to the allreduces per averaging and per epoch, and the fraction of the epoch spent inside collectives.
/// </summary>
internal static class DistributedBench
{
    sealed record Case(string Name, string[] Args, int GlobalBatch);

    public static void Run(int lungNeurons, int mnistHidden, int ranks, int epochs, string cli, string dataDir, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var cases = new List<Case>();
        if (lungNeurons > 0)
            cases.Add(new($"lung-reference-style 3312-{lungNeurons}×3-5",
                ["--dataset", "lung-reference-style", "--hidden", $"{lungNeurons},{lungNeurons},{lungNeurons}"], 2));
        if (mnistHidden > 0)
            cases.Add(new($"MNIST 784-{mnistHidden}×3-10", ["--dataset", "mnist", "--hidden", $"{mnistHidden},{mnistHidden},{mnistHidden}"], 128));
        Console.WriteLine($"distributed: {ranks} ranks × 1 thread against 1 process × 1 thread, {epochs} epochs, on {Environment.ProcessorCount} cores");
        Console.WriteLine("run                                   mode        batch   epoch s   ratio   test acc   bytes/averaging   MB/epoch   comm %");
        foreach (var c in cases)
        {
            var single = Train(cli, dataDir, outDir, c, 1, null, c.GlobalBatch, epochs);
            Print(c, "1 process", c.GlobalBatch, single, single);
            if (c.GlobalBatch % ranks == 0)
                Print(c, "sync", c.GlobalBatch / ranks, Train(cli, dataDir, outDir, c, ranks, "sync", c.GlobalBatch / ranks, epochs), single);
            else Console.WriteLine($"{c.Name}: sync skipped: the global batch {c.GlobalBatch} does not split into {ranks} ranks");
            Print(c, "local-sgd", c.GlobalBatch, Train(cli, dataDir, outDir, c, ranks, "local-sgd", c.GlobalBatch, epochs), single);
        }
        Console.WriteLine("epoch s: median training seconds per epoch; ratio: 1 process's over this run's (above 1 is faster); bytes per averaging " +
                          "and per epoch: what each rank gives to allreduces (an allreduce moves about twice that per rank); comm %: " +
                          "time inside collectives, waiting for slower ranks included, over the epoch's training time.");
    }

    static TrainingReport Train(string cli, string dataDir, string outDir, Case c, int ranks, string? mode, int batch, int epochs)
    {
        string report = Path.Combine(outDir, $"{c.Args[1]}-{(mode ?? "single")}-{ranks}.json");
        var args = new List<string> { "train" };
        args.AddRange(c.Args);
        // --regrow init: the regrowth the table in docs/distributed.md was measured with.
        args.AddRange(new[] { "--batch", batch.ToString(), "--epochs", epochs.ToString(), "--device", "cpu", "--regrow", "init",
                                      "--data-dir", dataDir, "--report", report });
        if (mode is not null) args.AddRange(["--distributed", mode]);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(ranks > 1 ? "mpiexec" : dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (ranks > 1)
            foreach (var a in new[] { "-n", ranks.ToString(), "-genv", "DOTNET_PROCESSOR_COUNT", "1", dotnet }) info.ArgumentList.Add(a);
        info.Environment["DOTNET_PROCESSOR_COUNT"] = "1";
        info.ArgumentList.Add(cli);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync(); // MPICH's finalisation notes, or a failure's message
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{c.Name} ({mode ?? "1 process"}) failed with exit code {process.ExitCode}:\n{output}{errors.Result}");
        return TrainingReport.Load(report);
    }

    static void Print(Case c, string mode, int batch, TrainingReport run, TrainingReport single)
    {
        double epoch = Median(run.Epochs.Select(e => e.TrainSeconds)), reference = Median(single.Epochs.Select(e => e.TrainSeconds));
        var comm = run.Epochs.Select(e => e.Communication).Where(x => x is not null).Select(x => x!).ToArray();
        string perAveraging = comm.Length == 0 ? "–" : $"{comm[^1].PayloadBytes / Math.Max(1, comm[^1].Averagings):N0}";
        string perEpoch = comm.Length == 0 ? "–" : $"{comm[^1].PayloadBytes / 1e6:F1}";
        string fraction = comm.Length == 0 ? "–" : $"{100 * comm.Sum(x => x.Seconds) / run.Epochs.Sum(e => e.TrainSeconds):F1}";
        Console.WriteLine($"{c.Name,-37} {mode,-10} {batch,6} {epoch,9:F3} {reference / epoch,7:F2} {run.Epochs[^1].Test?.Accuracy,9:P1} " +
                          $"{perAveraging,17} {perEpoch,10} {fraction,8}");
    }

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>The command line's assembly in this checkout's Release build.</summary>
    public static string FindCli()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "samples", "SetGpu.Cli", "bin", "Release", "net10.0", "SetGpu.Cli.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("SetGpu.Cli.dll not found: build samples/SetGpu.Cli in Release, or give --cli PATH");
    }
}
