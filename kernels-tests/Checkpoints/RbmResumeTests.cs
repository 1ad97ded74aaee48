using SetGpu.Checkpoints;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Rbm;
using SetGpu.KernelsTests.Support;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Checkpoints;

/// <summary>
/// A SET-RBM run of 6 epochs against the same run stopped after 3, saved, loaded into a new model and resumed: topology,
/// weights, momenta, biases, persistent chains and every epoch's metrics identical bit for bit. Persistent CD with
/// momentum and prune-only evolution after the last epoch exercise every piece of state the run carries. On the CPU
/// engine and every ILGPU backend of the list.
/// </summary>
public class RbmResumeTests
{
    public static TheoryData<bool> Persistent => [false, true];

    static SetRbmSpec Spec(bool persistent) => new()
    {
        Visible = 64, Hidden = 24, Epsilon = 4, Epochs = 6, BatchSize = 10, Persistent = persistent, PruneAfterLastEpoch = true,
        Optimizer = new Sgd { LearningRate = 0.1f, Momentum = 0.5f, WeightDecay = 1e-4f }, Seed = 13,
    };

    static TrainingData Data() => RbmTrainingTests.Prototypes(200, seed: 4).Splits();

    [Trait(Lane.Category, Lane.Slow)]
    [BackendTheory(nameof(Persistent), Set = BackendSet.Engines)]
    public void Stopped_after_3_of_6_epochs_and_resumed_is_identical_to_an_uninterrupted_run(string backend, bool persistent)
    {
        var device = Backends.Require(backend);
        var spec = Spec(persistent);
        using var whole = SetRbm.Create(spec, device);
        var wholeReport = whole.Fit(Data());

        using var dir = new TempDir();
        string path = dir.File("rbm.ckpt");
        var identity = DataIdentity.Of(RbmTrainingTests.Prototypes(200, seed: 4), "prototypes", 4, "none");
        var checkpoints = new CheckpointPolicy { Path = path, EveryEpochs = 1, Data = identity };
        using (var first = SetRbm.Create(spec, device))
            Assert.Equal(3, first.Fit(Data(), new FitOptions { Checkpoints = checkpoints, MaxEpochs = 3 }).Epochs.Count);

        var checkpoint = TrainingCheckpoint.Load(path);
        Assert.Equal(3, checkpoint.EpochsCompleted);
        Assert.Equal(spec, checkpoint.Spec);
        Assert.Equal(persistent, checkpoint.Rbm!.PersistentChains is not null);
        using var resumed = SetRbm.Load(checkpoint, device);
        resumed.Fit(Data(), new FitOptions { Checkpoints = checkpoints });

        Runs.AssertSameMetrics(wholeReport, resumed.History);
        Runs.AssertIdentical(whole.Export(), resumed.Export());
        Runs.AssertIdentical(whole.Export(), TrainingCheckpoint.Load(path).Rbm!);
        Assert.True(wholeReport.Epochs[^1].Pruned > 0 && wholeReport.Epochs[^1].Regrown == 0); // prune-only after the last epoch
    }

    [BackendTheory(Set = BackendSet.Engines)]
    public void Cancelled_fit_continues_from_the_same_object_to_where_an_uncancelled_run_ends(string backend)
    {
        var device = Backends.Require(backend);
        var spec = Spec(persistent: true) with { Epochs = 3 };
        using var whole = SetRbm.Create(spec, device);
        whole.Fit(Data());

        using var interrupted = SetRbm.Create(spec, device);
        using var cancel = new CancellationTokenSource();
        var options = new FitOptions { BatchProgress = new OnReport<BatchProgress>(p => { if (p.Epoch == 2 && p.Batch == 7) cancel.Cancel(); }) };
        Assert.ThrowsAny<OperationCanceledException>(() => interrupted.Fit(Data(), options, cancel.Token));
        Assert.Single(interrupted.History.Epochs);
        interrupted.Transform(Data().Test!); // usable in between
        interrupted.Fit(Data());

        Runs.AssertSameMetrics(whole.History, interrupted.History);
        Runs.AssertIdentical(whole.Export(), interrupted.Export());
    }
}
