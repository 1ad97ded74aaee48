using SetGpu.Checkpoints;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Checkpoints;

/// <summary>The resume suite on the CPU engine.</summary>
public sealed class CpuResumeTests : ResumeTests
{
    protected override string Engine => "cpu";
}

/// <summary>The resume suite on ILGPU's CPU accelerator (device evolution, state read back and uploaded again).</summary>
public sealed class IlgpuCpuResumeTests : ResumeTests
{
    protected override string Engine => "ilgpu-cpu";
}

/// <summary>
/// The resume suite on a real OpenCL runtime (PoCL in CI, through .ci/opencl-tests); skipped, with the reason, where no
/// OpenCL 2.0 device is found, unless SETGPU_REQUIRE_OPENCL=1.
/// </summary>
public sealed class OpenClResumeTests : ResumeTests
{
    protected override string Engine => "opencl";
}

/// <summary>
/// A run of E epochs against the same run interrupted after k: checkpoint, load from the file, a new engine from the
/// loaded network, resume to E. Weights, momentum, topology and every epoch's metrics must be identical bit for bit,
/// with dropout, a cosine schedule and evolution in play (their random streams are keyed by epoch and step).
/// </summary>
public abstract class ResumeTests
{
    protected abstract string Engine { get; }

    void RequireDevice() => RequiredDevice.Require(Engine);

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(3)]
    public void Resumed_run_is_identical_to_an_uninterrupted_one(int k)
    {
        RequireDevice();
        var (model, training) = Runs.Small(epochs: 5);
        var data = Runs.Data();

        using var whole = Runs.Engine(Engine, SparseNetwork.Create(model, training.Seed), training);
        var wholeReport = SetTrainer.Train(whole, data, training, Runs.NewReport(whole, model, training));
        var expected = whole.Export();

        using var dir = new TempDir();
        string path = dir.File("run.ckpt");
        using (var first = Runs.Engine(Engine, SparseNetwork.Create(model, training.Seed), training))
        {
            var report = Runs.NewReport(first, model, training);
            CheckpointingTrainer.Train(first, data, report, new CheckpointOptions { Path = path, EveryEpochs = 2 },
                                       Runs.Identity(data), untilEpoch: k);
            Assert.Equal(k, report.Epochs.Count);
        } // the first process is gone: all that is left is the file

        var checkpoint = TrainingCheckpoint.Load(path);
        Assert.Equal(k, checkpoint.EpochsCompleted);
        Assert.Empty(checkpoint.Data.Differences(Runs.Identity(data)));
        using var resumed = Runs.Engine(Engine, checkpoint.Network, checkpoint.Report.Training);
        var resumedReport = CheckpointingTrainer.Train(resumed, data, checkpoint.Report,
                                                       new CheckpointOptions { Path = path, EveryEpochs = 2 }, checkpoint.Data);

        Runs.AssertSameMetrics(wholeReport, resumedReport);
        Runs.AssertIdentical(expected, resumed.Export());
        // The final checkpoint holds the finished run.
        var final = TrainingCheckpoint.Load(path);
        Assert.True(final.IsComplete);
        Runs.AssertIdentical(expected, final.Network);
        Runs.AssertSameMetrics(wholeReport, final.Report);
    }

    [SkippableFact]
    public void Engine_built_from_a_loaded_network_keeps_the_momentum()
    {
        RequireDevice();
        // Momentum is half the optimiser state: an engine that dropped it would take a different next step.
        var (model, training) = Runs.Small(epochs: 2);
        var data = Runs.Data();
        using var engine = Runs.Engine(Engine, SparseNetwork.Create(model, training.Seed), training);
        SetTrainer.Train(engine, data, training, Runs.NewReport(engine, model, training), untilEpoch: 1);
        var state = engine.Export();
        Assert.Contains(state.Layers[0].WeightVelocity, v => v != 0);
        Assert.Contains(state.Layers[0].BiasVelocity, v => v != 0);

        using var copy = Runs.Engine(Engine, state.Clone(), training);
        Runs.AssertIdentical(state, copy.Export());
    }

    [SkippableFact]
    public void Connections_per_input_are_the_row_lengths_of_the_first_layer()
    {
        RequireDevice();
        var (model, training) = Runs.Small(epochs: 2);
        using var engine = Runs.Engine(Engine, SparseNetwork.Create(model, training.Seed), training);
        SetTrainer.Train(engine, Runs.Data(), training with { RecordInputConnectivity = true }, Runs.NewReport(engine, model, training), untilEpoch: 1);
        var exported = engine.Export();
        for (int l = 0; l < exported.Layers.Count; l++)
        {
            var offsets = exported.Layers[l].Pattern.Offsets;
            Assert.Equal(Enumerable.Range(0, offsets.Length - 1).Select(i => offsets[i + 1] - offsets[i]), engine.ConnectionsPerInput(l));
        }
    }
}
