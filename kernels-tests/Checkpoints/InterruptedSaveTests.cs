using System.Diagnostics;
using SetGpu.Checkpoints;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Checkpoints;

/// <summary>
/// Killing a process in the middle of a save, for real: a child process (this assembly's <see cref="HelperProgram"/>)
/// saves a 24 MB checkpoint over and over; the test kills it while the temporary file is being written, then the
/// checkpoint must still load and verify, and hold the last completed save.
/// </summary>
[Trait(Lane.Category, Lane.Slow)]
public class InterruptedSaveTests
{
    [Fact]
    public void Killing_the_process_mid_save_leaves_the_previous_checkpoint_intact()
    {
        using var dir = new TempDir();
        string path = dir.File("big.ckpt"), temp = CheckpointFile.TemporaryPath(path);
        int killedMidWrite = 0;
        for (int attempt = 0; attempt < 5 && killedMidWrite == 0; attempt++)
        {
            int saves = 0;
            using var child = StartHelper(path, () => Interlocked.Increment(ref saves));
            try
            {
                var clock = Stopwatch.StartNew();
                // Wait for a completed save, then for the next one to be under way.
                while (Volatile.Read(ref saves) < 1 && !child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(5);
                Assert.False(child.HasExited, $"the helper exited with {(child.HasExited ? child.ExitCode : 0)} before saving");
                while (!(File.Exists(temp) && new FileInfo(temp).Length > CheckpointFile.HeaderSize) && clock.Elapsed < TimeSpan.FromSeconds(60))
                    Thread.SpinWait(100);
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
            }
            finally
            {
                if (!child.HasExited) child.Kill(entireProcessTree: true);
            }
            int completed = Volatile.Read(ref saves);

            // Whatever moment the kill hit, the checkpoint is a complete one.
            var loaded = TrainingCheckpoint.Load(path);
            Assert.InRange(loaded.EpochsCompleted, completed, completed + 1); // the rename may have beaten the kill to the print
            Assert.Equal(loaded.EpochsCompleted, loaded.Report.Epochs[^1].Test!.Accuracy);
            Assert.InRange(loaded.Network!.Connections, 2_000_000, 2_100_000);

            if (File.Exists(temp))
            {
                // Killed while writing, the temporary file is half written: what a save in place would have left. (Killed
                // between the flush and the rename, it is complete; that attempt proves less, and the loop goes on.)
                try { TrainingCheckpoint.Load(temp); }
                catch (CheckpointFormatException) { killedMidWrite++; }
                File.Delete(temp);
            }
        }
        Assert.True(killedMidWrite > 0, "in 5 attempts the kill never landed during a write");
    }

    static Process StartHelper(string path, Action onSaved)
    {
        var process = Process.Start(ChildProcess.Helper("save-checkpoints", path))!;
        process.OutputDataReceived += (_, e) => { if (e.Data?.StartsWith("saved ", StringComparison.Ordinal) == true) onSaved(); };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
