using SetGpu.Cpu;
using SetGpu.Cpu.Rbm;
using SetGpu.Data;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Training;
using SetGpu.Rbm;

namespace SetGpu.KernelsTests.Rbm;

/// <summary>Whole RBM trainings: evolution invariants, determinism, thread-count independence, learning on COIL20, bad options.</summary>
public class RbmTrainingTests
{
    /// <summary>Binary-ish data with structure: 4 prototypes of 64 pixels, each pixel flipped with probability 0.1.</summary>
    internal static DatasetSplit Prototypes(int samples = 400, int seed = 1)
    {
        var rng = new System.Random(seed);
        var prototypes = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 64).Select(_ => rng.Next(2)).ToArray()).ToArray();
        Dataset Make(int n, string name)
        {
            var x = new float[n * 64];
            var y = new int[n];
            for (int s = 0; s < n; s++)
            {
                y[s] = s % 4;
                for (int i = 0; i < 64; i++) x[s * 64 + i] = rng.NextDouble() < 0.1 ? 1 - prototypes[y[s]][i] : prototypes[y[s]][i];
            }
            return new Dataset(name, x, y, 64, 4);
        }
        return new DatasetSplit(Make(samples, "prototypes-train"), Make(samples / 4, "prototypes-test"));
    }

    internal static TrainingReport Train(SetRbmSpec spec, DatasetSplit data, out SparseRbm final)
    {
        using var model = SetRbm.Create(spec, Device.Cpu);
        var report = model.Fit(data.Splits());
        final = model.Export();
        return report;
    }

    [Theory]
    [InlineData(1, false, false, 0f)]
    [InlineData(3, false, false, 0.5f)] // CD-3 with momentum
    [InlineData(1, true, false, 0f)]    // persistent CD
    [InlineData(1, false, true, 0f)]    // sampled visible states in the negative phase
    public void Set_rbm_learns_while_evolving_with_exact_nnz(int k, bool persistent, bool sampleVisible, float momentum)
    {
        var spec = new SetRbmSpec
        {
            Visible = 64, Hidden = 32, Epsilon = 4, Epochs = 10, BatchSize = 10, CdSteps = k, Persistent = persistent,
            SampleVisible = sampleVisible, Optimizer = new Sgd { LearningRate = 0.2f, Momentum = momentum, WeightDecay = 2e-7f }, Seed = 5,
        };
        var report = Train(spec, Prototypes(), out var final);
        var first = report.Epochs[0].Test!.Loss;
        var last = report.Epochs[^1].Test!.Loss;
        Assert.True(last < 0.75 * first, $"test reconstruction error went from {first:F4} to {last:F4}");
        Assert.All(report.Epochs.SkipLast(1), e => Assert.True(e.Regrown > 0 && e.Regrown == e.Pruned, $"epoch {e.Epoch}: pruned {e.Pruned}, regrown {e.Regrown}"));
        Assert.All(report.Epochs, e => Assert.Equal(spec.InitialConnections, e.Connections));
        Assert.Equal(0, report.Epochs[^1].Pruned); // no evolution after the last epoch unless asked
        final.Validate();
        Assert.Equal(spec.InitialConnections, final.Connections);
        Assert.Equal(persistent, final.PersistentChains is not null);
    }

    [Fact]
    public void Evolution_keeps_nnz_exact_and_csr_sorted_and_prunes_alone_after_the_last_epoch_when_asked()
    {
        var spec = new SetRbmSpec { Visible = 64, Hidden = 32, Epsilon = 4, PruneAfterLastEpoch = true, Seed = 3, Epochs = 3 };
        var rbm = SparseRbm.Create(spec);
        using var engine = new CpuRbmEngine(rbm);
        engine.SetTrainingData(Prototypes().Train);
        int nnz = engine.LayerConnections[0];
        for (int epoch = 0; epoch < 20; epoch++)
        {
            engine.TrainEpoch(SampleOrder.Shuffled(400, 3, epoch), epoch * 40L, spec);
            var before = engine.Export();
            var result = engine.Evolve(epoch, 0.3).Single();
            var after = engine.Export();
            after.Validate();
            Assert.Equal(nnz, after.Connections);
            Assert.Equal(result.Prune.Removed, result.Added);
            long negatives = before.Weights.Weights.Count(Pruning_IsNegative);
            Assert.Equal((long)Math.Floor(0.3 * negatives) + (long)Math.Floor(0.3 * (nnz - negatives)), result.Prune.Removed);
        }

        using var trained = SetRbm.Create(spec, Device.Cpu);
        var report = trained.Fit(Prototypes().Splits());
        var lastEpoch = report.Epochs[^1];
        Assert.True(lastEpoch.Pruned > 0);
        Assert.Equal(0, lastEpoch.Regrown);
        Assert.Equal(spec.InitialConnections - lastEpoch.Pruned, lastEpoch.Connections);
        var final = trained.Export();
        final.Validate();
        Assert.Equal(lastEpoch.Connections, final.Connections);
    }

    static bool Pruning_IsNegative(float w) => SetGpu.Evolution.Pruning.IsNegative(w);

    [Fact]
    public void Report_round_trips_through_json_with_ais()
    {
        var spec = new SetRbmSpec { Visible = 64, Hidden = 8, Epsilon = 4, Epochs = 2, Seed = 1, Ais = new AisOptions { Runs = 10, Betas = 50 } };
        var report = Train(spec, Prototypes(), out _);
        string path = Path.Combine(Path.GetTempPath(), $"rbm-report-{Guid.NewGuid():N}.json");
        try
        {
            report.Save(path);
            var loaded = TrainingReport.Load(path);
            Assert.Equal(report.Epochs.Select(e => e.Test!.Loss), loaded.Epochs.Select(e => e.Test!.Loss));
            Assert.Equal(spec, loaded.Spec);
            Assert.Null(loaded.Epochs[0].Test!.LogLikelihood);
            var ll = loaded.Epochs[^1].Test!.LogLikelihood!;
            Assert.Equal(report.Epochs[^1].Test!.LogLikelihood!.MeanLogProbability, ll.MeanLogProbability);
            Assert.NotNull(ll.ExactLogZ); // 8 hidden units: summed exactly
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Different_seeds_give_different_rbms()
    {
        var spec = new SetRbmSpec { Visible = 64, Hidden = 16, Epsilon = 4, Epochs = 1, Seed = 1 };
        Train(spec, Prototypes(), out var a);
        Train(spec with { Seed = 2 }, Prototypes(), out var b);
        Assert.NotEqual(a.Weights.Weights, b.Weights.Weights);
    }

    [Fact]
    public void Static_and_dense_topologies_never_change()
    {
        foreach (var topology in new[] { TopologyKind.StaticSparse, TopologyKind.Dense })
        {
            var spec = new SetRbmSpec { Visible = 64, Hidden = 16, Epsilon = 4, Topology = topology, PruneAfterLastEpoch = true, Epochs = 3, Seed = 1 };
            var report = Train(spec, Prototypes(), out var final);
            Assert.All(report.Epochs, e => Assert.Equal(0, e.Pruned + e.Regrown));
            Assert.Equal(topology == TopologyKind.Dense ? 64 * 16 : (long)(4 * (64 + 16)), final.Connections);
            Assert.Equal(SparseRbm.Create(spec).Weights.Pattern.Columns, final.Weights.Pattern.Columns);
        }
    }

    [Trait(Lane.Category, Lane.Slow)]
    [Fact]
    public void Coil20_test_reconstruction_error_drops_clearly_in_a_few_epochs()
    {
        var data = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = SharedData.Root, AllowDownload = false }).Load("coil20", seed: 42);
        var spec = new SetRbmSpec { Visible = 1024, Hidden = 200, Epochs = 5, Seed = 42 }; // the reference settings are the defaults
        var report = Train(spec, data, out _);
        double first = report.Epochs[0].Test!.Loss, last = report.Epochs[^1].Test!.Loss;
        // The reference code went 0.0567 → 0.0424 in its first three epochs.
        Assert.True(first < 0.07, $"epoch 1 test reconstruction error {first:F4}");
        Assert.True(last < 0.8 * first && last < 0.045, $"test reconstruction error {first:F4} → {last:F4} in 5 epochs");
        Assert.All(report.Epochs, e => Assert.True(double.IsFinite(e.FreeEnergyGap!.Value)));
    }

    [Fact]
    public void Bad_specifications_are_refused_naming_the_field_and_value()
    {
        void Refused(SetRbmSpec spec, string field, string expected)
        {
            var e = Assert.Throws<InvalidSpecException>(spec.Validate);
            Assert.Equal(field, e.Field);
            Assert.Contains(expected, e.Message);
        }
        var ok = new SetRbmSpec { Visible = 10 };
        ok.Validate();
        Refused(ok with { Hidden = 0 }, "Hidden", "hidden units must be at least 1, got 0");
        Refused(ok with { Epsilon = -1 }, "Epsilon", "epsilon must be a positive number, got -1");
        Refused(ok with { Zeta = 1 }, "Zeta", "zeta must lie in [0, 1), got 1");
        Refused(ok with { InitScale = 0 }, "InitScale", "init scale must be a positive number, got 0");
        Refused(ok with { CdSteps = 0 }, "CdSteps", "CD steps (k of CD-k) must be at least 1, got 0");
        Refused(ok with { Optimizer = new Sgd { LearningRate = float.NaN } }, "Optimizer.LearningRate", "learning rate must be a positive number, got NaN");
        Refused(ok with { Optimizer = new Sgd { Momentum = 1 } }, "Optimizer.Momentum", "momentum must lie in [0, 1), got 1");
        Refused(ok with { Optimizer = new Sgd { WeightDecay = -0.1f } }, "Optimizer.WeightDecay", "weight decay must lie in [0, 1), got -0.1");
        Refused(ok with { Epochs = 0 }, "Epochs", "epochs must be at least 1, got 0");
        Refused(ok with { Ais = new AisOptions { Runs = 1 } }, "Ais.Runs", "AIS runs must be at least 2");
        Refused(ok with { Ais = new AisOptions { Betas = 1 } }, "Ais.Betas", "AIS betas must be at least 2");
        Refused(ok with { AisInterval = 5 }, "AisInterval", "AIS interval is set but AIS is not");
        var batch = Assert.Throws<InvalidSpecException>(() => (ok with { BatchSize = 200 }).ValidateFor(100));
        Assert.Contains("batch size 200 is larger than the 100 training samples", batch.Message);
        using var model = SetRbm.Create(ok with { Hidden = 4 }, Device.Cpu);
        Assert.Contains("64 features, but the RBM has 10 visible units",
            Assert.Throws<ArgumentException>(() => model.Fit(Prototypes().Train)).Message);
    }
}
