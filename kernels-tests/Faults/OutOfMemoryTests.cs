using SetGpu.Checkpoints;
using SetGpu.Cli;
using SetGpu.KernelsTests.Cli;
using SetGpu.KernelsTests.Data;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Faults;

/// <summary>
/// An allocation that fails during a run: the command line ends with one line naming the intact checkpoint and a non-zero
/// exit code; an allocation that fails in the middle of a save leaves the previous checkpoint and no temporary file.
/// </summary>
[Collection(nameof(CliHost))]
public class OutOfMemoryTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose()
    {
        TestFaults.AfterEpoch = null;
        _dir.Dispose();
    }

    [Fact]
    public void Out_of_memory_in_the_third_epoch_ends_with_one_line_and_the_second_epochs_checkpoint()
    {
        string checkpoint = _dir.File("run.ckpt");
        TestFaults.AfterEpoch = record => record.Epoch == 2 ? new OutOfMemoryException("Insufficient memory to continue the execution of the program.") : null;
        var result = CliHost.Run("train", "--hidden", "20", "--epochs", "4", "--engine", "cpu", "--checkpoint", checkpoint);
        TestFaults.AfterEpoch = null;

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal($"error: out of memory during training (Insufficient memory to continue the execution of the program); the checkpoint " +
                     $"{checkpoint} holds epoch 2: continue with --resume {checkpoint}", result.Error.Trim());
        Assert.Equal(2, TrainingCheckpoint.Load(checkpoint).EpochsCompleted);
        Assert.Equal(["run.ckpt"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));

        // The run goes on from there.
        var resumed = CliHost.Ok("train", "--resume", checkpoint, "--engine", "cpu");
        Assert.Contains("2 of 4 epochs done", resumed.Output);
        Assert.True(TrainingCheckpoint.Load(checkpoint).IsComplete);
    }

    [Fact]
    public void Out_of_memory_in_a_parallel_loop_ends_with_the_same_one_line()
    {
        string checkpoint = _dir.File("run.ckpt");
        // A parallel loop (the evolution's, the creation's) wraps the failed allocation in an AggregateException.
        TestFaults.AfterEpoch = record => record.Epoch == 1 ? new AggregateException(new OutOfMemoryException("Array dimensions exceeded supported range.")) : null;
        var result = CliHost.Run("train", "--hidden", "20", "--epochs", "3", "--engine", "cpu", "--checkpoint", checkpoint);
        TestFaults.AfterEpoch = null;

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal($"error: out of memory during training (Array dimensions exceeded supported range); the checkpoint " +
                     $"{checkpoint} holds epoch 1: continue with --resume {checkpoint}", result.Error.Trim());
    }

    [Fact]
    public void Out_of_memory_in_the_middle_of_a_save_leaves_the_previous_checkpoint()
    {
        var spec = new SetMlpSpec { LayerSizes = [50, 20, 3], Epochs = 5, Seed = 2 };
        var checkpoint = new TrainingCheckpoint
        {
            Network = SparseNetwork.Create(spec),
            Report = new TrainingReport { Engine = "cpu", Device = "cpu", Spec = spec },
        };
        string path = _dir.File("model.ckpt");
        checkpoint.Save(path);
        var previous = File.ReadAllBytes(path);

        Assert.Throws<OutOfMemoryException>(() => CheckpointFile.WriteAtomically(path, stream =>
        {
            CheckpointPayload.Write(stream, checkpoint);
            stream.Flush();
            throw new OutOfMemoryException(); // half of a larger payload is on the disk
        }));
        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(["model.ckpt"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
        TrainingCheckpoint.Load(path);
    }

    [Fact]
    public void Out_of_memory_outside_a_run_is_one_line_too()
    {
        var error = new StringWriter();
        var old = Console.Error;
        Console.SetError(error);
        try { Assert.Equal(3, CliErrors.Run(() => throw new OutOfMemoryException("Array dimensions exceeded supported range."))); }
        finally { Console.SetError(old); }
        Assert.Equal("error: out of memory (Array dimensions exceeded supported range)", error.ToString().Trim());
    }
}
