using System.Diagnostics;
using SetGpu.Checkpoints;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Distributed;

/// <summary>
/// The command line under <c>mpiexec -n 2</c> and <c>-n 3</c> on this machine (MPICH over loopback), on COIL20 with a
/// small network: one thread per rank (<c>DOTNET_PROCESSOR_COUNT=1</c>), as the launcher would split the cores.
/// </summary>
[Trait(Lane.Category, Lane.Slow)]
public sealed class MpiRunTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("setgpu-mpi-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static readonly string[] Network = ["train", "--dataset", "coil20", "--hidden", "64,64", "--epsilon", "10", "--device", "cpu", "--seed", "3"];

    string File(string name) => Path.Combine(_dir, name);

    /// <summary>Runs the CLI with <paramref name="args"/> under mpiexec with <paramref name="ranks"/> ranks (0: no mpiexec).</summary>
    (int Code, string Output, double Seconds) Run(int ranks, IEnumerable<string> args, params (string Name, string Value)[] environment)
    {
        Requirement.Mpi.Require();
        var cli = ChildProcess.Assembly("SetGpu.Cli", [.. args, "--data-dir", SharedData.Root]);
        ProcessStartInfo info = cli;
        if (ranks > 0)
        {
            info = new ProcessStartInfo("mpiexec") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-n", ranks.ToString(), "-genv", "DOTNET_PROCESSOR_COUNT", "1" }) info.ArgumentList.Add(a);
            foreach (var (name, value) in environment) { info.ArgumentList.Add("-genv"); info.ArgumentList.Add(name); info.ArgumentList.Add(value); }
            info.ArgumentList.Add(cli.FileName);
            foreach (var a in cli.ArgumentList) info.ArgumentList.Add(a);
        }
        else info.Environment["DOTNET_PROCESSOR_COUNT"] = "1";
        var clock = Stopwatch.StartNew();
        var (code, output) = Programs.Run(info);
        return (code, output, clock.Elapsed.TotalSeconds);
    }

    [Fact]
    public void SyncOnTwoRanksEqualsOneProcessWithTheGlobalBatch()
    {
        var single = Run(0, [.. Network, "--epochs", "3", "--batch", "32", "--checkpoint", File("one.setgpu")]);
        Assert.True(single.Code == 0, single.Output);
        var job = Run(2, [.. Network, "--epochs", "3", "--batch", "16", "--distributed", "sync", "--checkpoint", File("two.setgpu"), "--report", File("two.json")]);
        Assert.True(job.Code == 0, job.Output);
        Assert.Contains("distributed: 2 ranks, sync", job.Output);

        var one = TrainingCheckpoint.Load(File("one.setgpu")).Network!;
        var two = TrainingCheckpoint.Load(File("two.setgpu")).Network!;
        double diff = 0, scale = 0;
        for (int l = 0; l < one.Layers.Count; l++)
        {
            Assert.Equal(one.Layers[l].Pattern.Offsets, two.Layers[l].Pattern.Offsets);
            Assert.Equal(one.Layers[l].Pattern.Columns, two.Layers[l].Pattern.Columns);
            foreach (var (x, y) in ParameterOrder.Of(one.Layers[l], false).Zip(ParameterOrder.Of(two.Layers[l], false)))
                for (int i = 0; i < x.Length; i++) (diff, scale) = (Math.Max(diff, Math.Abs(x[i] - y[i])), Math.Max(scale, Math.Abs(x[i])));
        }
        Assert.True(diff / scale < 1e-5, $"2 ranks differ from one process by {diff / scale:E2} of the largest weight");
        var report = TrainingReport.Load(File("two.json"));
        Assert.All(report.Epochs, e => Assert.True(e.Communication is { Ranks: 2, Averagings: 30 }, $"epoch {e.Epoch + 1}: {e.Communication}"));
    }

    [Fact]
    public void LocalSgdOnThreeRanksKeepsTheConnectionsAndLearnsCoil20()
    {
        // Three ranks of batch 16 take the steps of one process with batch 48: that run is the band's centre.
        var single = Run(0, [.. Network, "--epochs", "6", "--batch", "48", "--report", File("one.json")]);
        Assert.True(single.Code == 0, single.Output);
        var job = Run(3, [.. Network, "--epochs", "6", "--batch", "16", "--distributed", "local-sgd", "--average-every", "5", "--report", File("three.json")]);
        Assert.True(job.Code == 0, job.Output);
        var one = TrainingReport.Load(File("one.json"));
        var three = TrainingReport.Load(File("three.json"));
        Assert.All(three.Epochs, e => Assert.Equal(three.InitialConnections, e.Connections));
        Assert.All(three.Epochs, e => Assert.Equal(4, e.Communication!.Averagings)); // 320-sample shards: 20 batches, averaged after 5, 10, 15 and 20
        double local = three.Epochs[^1].Test!.Accuracy!.Value, reference = one.Epochs[^1].Test!.Accuracy!.Value;
        Assert.True(Math.Abs(local - reference) <= 0.05, $"local SGD on 3 ranks: {local:P1} on COIL20, one process {reference:P1}");
    }

    [Fact]
    public void AKilledRankEndsTheJobAndThePreviousCheckpointLoads()
    {
        var job = Run(3, [.. Network, "--epochs", "4", "--batch", "16", "--distributed", "sync", "--checkpoint", File("run.setgpu")],
                      ("SETGPU_TEST_KILL_RANK", "1:2:5"));
        Assert.NotEqual(0, job.Code);
        Assert.True(job.Seconds < 60, $"the job took {job.Seconds:F0} s to end");
        Assert.Matches(@"error: rank 1 \(pid \d+ on [^)]+\) ended first", job.Output);
        Assert.DoesNotMatch(@"error: rank [02] \(pid", job.Output);
        var saved = TrainingCheckpoint.Load(File("run.setgpu"));
        Assert.Equal(1, saved.EpochsCompleted);
        Assert.True(saved.Report.Epochs[0].Test!.Accuracy > 0.2, $"epoch 1 reached {saved.Report.Epochs[0].Test!.Accuracy:P1}");
        using var model = SetMlp.Load(saved, Device.Cpu);
        Assert.Equal(saved.Report.Epochs[0].Connections, model.Export().Connections);
    }

    [Fact]
    public void AHangingRankEndsTheJobWithinTheTimeout()
    {
        var job = Run(2, [.. Network, "--epochs", "3", "--batch", "16", "--distributed", "sync", "--collective-timeout", "5"],
                      ("SETGPU_TEST_KILL_RANK", "1:1:3:hang"));
        Assert.NotEqual(0, job.Code);
        Assert.True(job.Seconds < 60, $"the job took {job.Seconds:F0} s to end");
        Assert.Contains("rank 0: the averaging after batch 4 of epoch 1 waited", job.Output);
    }

    [Fact]
    public void RanksWithDifferentNetworksAreRefused()
    {
        // MPMD: rank 0 and rank 1 run the same command with different seeds, so their topologies differ.
        Requirement.Mpi.Require();
        string[] Command(string seed) => [.. Network[..^1], seed, "--epochs", "1", "--batch", "16", "--distributed", "sync", "--data-dir", SharedData.Root];
        var first = ChildProcess.Assembly("SetGpu.Cli", Command("3"));
        var second = ChildProcess.Assembly("SetGpu.Cli", Command("4"));
        var info = new ProcessStartInfo("mpiexec") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var part in new[] { first, second })
        {
            if (part == second) info.ArgumentList.Add(":");
            foreach (var a in new[] { "-n", "1", "-env", "DOTNET_PROCESSOR_COUNT", "1", part.FileName }) info.ArgumentList.Add(a);
            foreach (var a in part.ArgumentList) info.ArgumentList.Add(a);
        }
        var (code, output) = Programs.Run(info);
        Assert.NotEqual(0, code);
        Assert.Contains("the network of rank 1 differs from rank 0's before training", output);
    }

    [Fact]
    public void ARankWithoutDataIsRefusedBeforeTraining()
    {
        var job = Run(3, [.. Network, "--epochs", "1", "--batch", "600", "--distributed", "sync"]);
        Assert.NotEqual(0, job.Code);
        Assert.Contains("leave rank 2 of 3 without data", job.Output);
        Assert.DoesNotContain("Unhandled exception", job.Output);
    }
}
