using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using SetGpu.Checkpoints;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Faults;

/// <summary>
/// SIGTERM and Ctrl+C (SIGINT) during training, for real: the command line runs as a child process, gets the signal in
/// its second epoch, finishes the batch, saves the checkpoint with the epoch in progress, says where it is and exits 143
/// or 130; <c>--resume</c> then ends with the same network and metrics, bit for bit, as the same run left alone.
/// </summary>
[Trait(Lane.Category, Lane.Slow)]
public partial class SignalTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    // About half a second an epoch here: the signal lands inside an epoch, the second or, on a busy machine where the
    // test itself waits for a core, a later one; four epochs after the first leave it seconds to land before the end.
    const int Epochs = 6;
    static readonly string[] Run = ["train", "--hidden", "600,600", "--epsilon", "60", "--epochs", $"{Epochs}", "--batch", "4", "--engine", "cpu", "--seed", "11"];

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [SkippableTheory]
    [InlineData(15, "SIGTERM", 143)]
    [InlineData(2, "Ctrl+C", 130)] // SIGINT, what Ctrl+C sends
    public void A_signal_saves_the_epoch_in_progress_and_resume_is_bit_identical(int signal, string name, int exitCode)
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGTERM and SIGINT are POSIX signals");
        string whole = _dir.File("whole.ckpt"), parts = _dir.File("parts.ckpt");
        var alone = Cli([.. Run, "--checkpoint", whole, "--report", _dir.File("whole.json")]);
        Assert.True(alone.Code == 0, alone.ToString());

        var stopped = Cli([.. Run, "--checkpoint", parts, "--report", _dir.File("parts.json")],
                          signal, signalAfter: "checkpoint after epoch 1:");
        Assert.True(stopped.Code == exitCode, stopped.ToString());
        var interrupted = Regex.Match(stopped.Error,
            $@"interrupted \({Regex.Escape(name)}\) in epoch (\d+); the checkpoint {Regex.Escape(parts)} holds it: continue with --resume {Regex.Escape(parts)}");
        Assert.True(interrupted.Success, stopped.ToString());
        int epoch = int.Parse(interrupted.Groups[1].Value); // 1-based, as printed
        Assert.InRange(epoch, 2, Epochs);
        var saved = TrainingCheckpoint.Load(parts);
        Assert.Equal(epoch - 1, saved.EpochsCompleted);
        Assert.Equal(epoch - 1, saved.InProgress.Epoch);
        Assert.True(saved.InProgress.Position.Batch > 0, "the signal landed between two epochs: the test proves less"); // mid-epoch
        Assert.Equal([], Directory.GetFiles(_dir.Path, "*.tmp"));

        var resumed = Cli(["train", "--resume", parts, "--engine", "cpu", "--report", _dir.File("parts.json")]);
        Assert.True(resumed.Code == 0, resumed.ToString());
        Assert.Contains($"{epoch - 1} of {Epochs} epochs done", resumed.Output);
        var expected = TrainingCheckpoint.Load(whole);
        var actual = TrainingCheckpoint.Load(parts);
        Runs.AssertIdentical(expected.Network!, actual.Network!);
        Runs.AssertSameMetrics(expected.Report, actual.Report);
        Runs.AssertSameMetrics(TrainingReport.Load(_dir.File("whole.json")), TrainingReport.Load(_dir.File("parts.json")));
    }

    sealed record Outcome(int Code, string Output, string Error)
    {
        public override string ToString() => $"exit {Code}\n--- stdout\n{Output}\n--- stderr\n{Error}";
    }

    /// <summary>Runs the command line as a child; with <paramref name="signalAfter"/>, sends <paramref name="signal"/> once a line starts with it.</summary>
    static Outcome Cli(string[] args, int signal = 0, string? signalAfter = null)
    {
        var info = ChildProcess.Assembly("SetGpu.Cli", args);
        using var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        var error = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (signalAfter is not null && e.Data.TrimStart().StartsWith(signalAfter, StringComparison.Ordinal))
            {
                Assert.Equal(0, Kill(process.Id, signal));
                signalAfter = null;
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return new Outcome(process.ExitCode, output.ToString(), error.ToString());
    }
}
