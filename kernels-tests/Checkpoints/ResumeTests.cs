using SetGpu.Checkpoints;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Checkpoints;

/// <summary>
/// A SET-MLP run of E epochs against the same run interrupted after k: checkpoint, load from the file, a new model on a
/// new engine from the loaded state, resume to E. Weights, momentum, topology and every epoch's metrics must be identical
/// bit for bit, with dropout, a cosine schedule and evolution in play (their random streams are keyed by epoch and step).
/// On the CPU engine and every ILGPU backend of the list (on those, device evolution, state read back and uploaded again).
/// </summary>
public class ResumeTests
{
    public static TheoryData<int> StopAfter => [1, 3];

    [Trait(Lane.Category, Lane.Slow)]
    [BackendTheory(nameof(StopAfter), Set = BackendSet.Engines)]
    public void Resumed_run_is_identical_to_an_uninterrupted_one(string backend, int k)
    {
        var device = Backends.Require(backend);
        var spec = Runs.Small(epochs: 5);
        var data = Runs.Data().Splits();

        using var whole = SetMlp.Create(spec, device);
        var wholeReport = whole.Fit(data);
        var expected = whole.Export();

        using var dir = new TempDir();
        string path = dir.File("run.ckpt");
        var checkpoints = new CheckpointPolicy { Path = path, EveryEpochs = 2, Data = Runs.Identity(Runs.Data()) };
        using (var first = SetMlp.Create(spec, device))
        {
            var report = first.Fit(data, new FitOptions { Checkpoints = checkpoints, MaxEpochs = k });
            Assert.Equal(k, report.Epochs.Count);
        } // the first process is gone: all that is left is the file

        var checkpoint = TrainingCheckpoint.Load(path);
        Assert.Equal(k, checkpoint.EpochsCompleted);
        Assert.Empty(checkpoint.Data!.Differences(Runs.Identity(Runs.Data())));
        using var resumed = SetMlp.Load(checkpoint, device);
        var resumedReport = resumed.Fit(data, new FitOptions { Checkpoints = checkpoints });

        Runs.AssertSameMetrics(wholeReport, resumedReport);
        Runs.AssertIdentical(expected, resumed.Export());
        // The final checkpoint holds the finished run.
        var final = TrainingCheckpoint.Load(path);
        Assert.True(final.IsComplete);
        Runs.AssertIdentical(expected, final.Network!);
        Runs.AssertSameMetrics(wholeReport, final.Report);
    }

    [BackendTheory(Set = BackendSet.Engines)]
    public void Cancelled_fit_continues_from_the_same_object_to_where_an_uncancelled_run_ends(string backend)
    {
        var device = Backends.Require(backend);
        var spec = Runs.Small(epochs: 3);
        var data = Runs.Data().Splits();
        using var whole = SetMlp.Create(spec, device);
        var wholeReport = whole.Fit(data);

        using var interrupted = SetMlp.Create(spec, device);
        using var cancel = new CancellationTokenSource();
        int batches = 0;
        var options = new FitOptions
        {
            // Cancel in the middle of the second epoch (the blobs' 400 samples make 25 batches of 16 per epoch).
            BatchProgress = new OnReport<BatchProgress>(p => { if (++batches == 37) cancel.Cancel(); }),
        };
        Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Fit(data, options, cancel.Token));
        Assert.Single(interrupted.History.Epochs);
        Assert.Equal(37, batches);
        interrupted.Predict(data.Test!); // the model stays usable in between (and must not disturb the epoch in progress)
        interrupted.Fit(data);

        Runs.AssertSameMetrics(wholeReport, interrupted.History);
        Runs.AssertIdentical(whole.Export(), interrupted.Export());
    }

    [BackendTheory(Set = BackendSet.Engines)]
    public void Checkpoint_saved_on_cancellation_resumes_mid_epoch(string backend)
    {
        var device = Backends.Require(backend);
        var spec = Runs.Small(epochs: 3);
        var data = Runs.Data().Splits();
        using var whole = SetMlp.Create(spec, device);
        var wholeReport = whole.Fit(data);

        using var dir = new TempDir();
        string path = dir.File("run.ckpt");
        using (var first = SetMlp.Create(spec, device))
        {
            using var cancel = new CancellationTokenSource();
            var options = new FitOptions
            {
                Checkpoints = new CheckpointPolicy { Path = path, EveryEpochs = 0 },
                BatchProgress = new OnReport<BatchProgress>(p => { if (p.Epoch == 2 && p.Batch == 10) cancel.Cancel(); }),
            };
            Assert.ThrowsAny<OperationCanceledException>(() => first.Fit(data, options, cancel.Token));
        }
        var checkpoint = TrainingCheckpoint.Load(path);
        Assert.Equal(1, checkpoint.EpochsCompleted);
        Assert.Equal(new EpochPosition(10, checkpoint.InProgress.Position.LossSum), checkpoint.InProgress.Position);
        using var resumed = SetMlp.Load(checkpoint, device);
        resumed.Fit(data);
        Runs.AssertSameMetrics(wholeReport, resumed.History);
        Runs.AssertIdentical(whole.Export(), resumed.Export());
    }

    public static TheoryData<string> Variants => ["adam", "adamw-srelu", "sgd-srelu", "linear-zero-regrowth"];

    /// <summary>
    /// Adam's state and step count, and SReLU's parameters with their state, survive a checkpoint saved mid-epoch on
    /// cancellation: the resumed run ends with the uninterrupted run's bits, and so does a cancelled fit continued
    /// from the same object (Adam's bias corrections follow the global step, not the slice).
    /// </summary>
    [BackendTheory(nameof(Variants), Set = BackendSet.Engines)]
    public void Runs_with_adam_or_srelu_resume_and_continue_bit_for_bit(string backend, string variant)
    {
        var device = Backends.Require(backend);
        var spec = Runs.Small(variant, epochs: 3);
        var data = Runs.Data().Splits();
        using var whole = SetMlp.Create(spec, device);
        var wholeReport = whole.Fit(data);

        using var dir = new TempDir();
        string path = dir.File("run.ckpt");
        using (var first = SetMlp.Create(spec, device))
        {
            using var cancel = new CancellationTokenSource();
            var options = new FitOptions
            {
                Checkpoints = new CheckpointPolicy { Path = path, EveryEpochs = 1 },
                BatchProgress = new OnReport<BatchProgress>(p => { if (p.Epoch == 2 && p.Batch == 7) cancel.Cancel(); }),
            };
            Assert.ThrowsAny<OperationCanceledException>(() => first.Fit(data, options, cancel.Token));
            first.Fit(data); // the same object continues
            Runs.AssertSameMetrics(wholeReport, first.History);
            Runs.AssertIdentical(whole.Export(), first.Export());
        }
        var checkpoint = TrainingCheckpoint.Load(path);
        Assert.Equal(1, checkpoint.EpochsCompleted);
        Assert.Equal(new EpochPosition(7, checkpoint.InProgress.Position.LossSum), checkpoint.InProgress.Position);
        using var resumed = SetMlp.Load(checkpoint, device);
        resumed.Fit(data);
        Runs.AssertSameMetrics(wholeReport, resumed.History);
        Runs.AssertIdentical(whole.Export(), resumed.Export());
    }

    [BackendTheory(Set = BackendSet.Engines)]
    public void Model_loaded_from_a_saved_file_keeps_the_momentum_and_predicts_the_same(string backend)
    {
        var device = Backends.Require(backend);
        // Momentum is half the optimiser state: an engine that dropped it would take a different next step.
        var spec = Runs.Small(epochs: 2);
        var data = Runs.Data().Splits();
        using var model = SetMlp.Create(spec, device);
        model.Fit(data, new FitOptions { MaxEpochs = 1 });
        var state = model.Export();
        Assert.Contains(state.Layers[0].WeightVelocity, v => v != 0);
        Assert.Contains(state.Layers[0].BiasVelocity, v => v != 0);

        using var dir = new TempDir();
        model.Save(dir.File("model.setgpu"));
        using var copy = SetMlp.Load(dir.File("model.setgpu"), device);
        Runs.AssertIdentical(state, copy.Export());
        Assert.Equal(model.Predict(data.Test!).Values, copy.Predict(data.Test!).Values);
        Assert.Single(copy.History.Epochs);
    }

    [BackendTheory(Set = BackendSet.Engines)]
    public void Connections_per_input_are_recorded_and_are_the_row_lengths_of_the_first_layer(string backend)
    {
        var device = Backends.Require(backend);
        using var model = SetMlp.Create(Runs.Small(epochs: 2), device);
        var report = model.Fit(Runs.Data().Splits(), new FitOptions { RecordInputConnectivity = true, MaxEpochs = 1 });
        var exported = model.Export();
        var offsets = exported.Layers[0].Pattern.Offsets;
        var rowLengths = Enumerable.Range(0, offsets.Length - 1).Select(i => offsets[i + 1] - offsets[i]).ToArray();
        Assert.Equal(rowLengths, report.Epochs[0].InputConnections);
        Assert.Equal(40, report.InitialInputConnections!.Length);
    }
}

/// <summary>An <see cref="IProgress{T}"/> that calls its action at once, on the reporting thread.</summary>
internal sealed class OnReport<T>(Action<T> action) : IProgress<T>
{
    public void Report(T value) => action(value);
}
