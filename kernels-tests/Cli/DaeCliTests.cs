using SetGpu.KernelsTests.Data;
using SetGpu.Checkpoints;
using SetGpu.KernelsTests.Support;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cli;

/// <summary><c>autoencoder</c> (alias <c>dae</c>) through the command line on COIL20 with a small code: table, report, checkpoint, resume.</summary>
[Collection(nameof(CliHost))]
[Trait(Lane.Category, Lane.Slow)]
public class DaeCliTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    string[] Run(string command) =>
        [command, "--dataset", "coil20", "--data-dir", Data.SharedData.Root, "--hidden", "200", "--epochs", "3", "--engine", "cpu", "--seed", "3"];

    [Fact]
    public void Stopped_and_resumed_run_equals_the_whole_run_and_reports_the_reconstruction_error()
    {
        var whole = CliHost.Ok([.. Run("autoencoder"), "--report", _dir.File("whole.json"), "--checkpoint", _dir.File("whole.ckpt")]);
        Assert.Contains("test rec", whole.Output);
        Assert.Contains("final test reconstruction error", whole.Output);
        var report = TrainingReport.Load(_dir.File("whole.json"));
        Assert.Equal(3, report.Epochs.Count);
        Assert.True(report.Epochs[^1].Test!.Loss < report.Epochs[0].Test!.Loss, "the test reconstruction error falls");

        CliHost.Ok([.. Run("dae"), "--checkpoint", _dir.File("parts.ckpt"), "--stop-after", "1"]);
        var resumed = CliHost.Ok(["dae", "--resume", _dir.File("parts.ckpt"), "--data-dir", Data.SharedData.Root]);
        Assert.Contains("1 of 3 epochs done", resumed.Output);
        Runs.AssertIdentical(TrainingCheckpoint.Load(_dir.File("whole.ckpt")).Network!, TrainingCheckpoint.Load(_dir.File("parts.ckpt")).Network!);

        var wrong = CliHost.Run("train", "--resume", _dir.File("whole.ckpt"), "--data-dir", Data.SharedData.Root);
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("autoencoder --resume", wrong.Error);
    }

    [Fact]
    public void Bad_options_are_one_line_errors()
    {
        var noise = CliHost.Run([.. Run("dae"), "--noise", "1.5"]);
        Assert.Equal(2, noise.ExitCode);
        Assert.Contains("input noise must lie in [0, 1), got 1.5", noise.Error);
        var reconstruction = CliHost.Run([.. Run("dae"), "--reconstruction", "softmax"]);
        Assert.Contains("--reconstruction: 'softmax' is not sigmoid or linear", reconstruction.Error);
        var range = CliHost.Run("dae", "--dataset", "synthetic", "--epochs", "1", "--engine", "cpu", "--standardize", "per-feature");
        Assert.Equal(2, range.ExitCode);
        Assert.Contains("a sigmoid reconstruction needs data in [0, 1]", range.Error);
        Assert.DoesNotContain("   at ", range.Error);
    }
}
