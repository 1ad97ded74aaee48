using SetGpu.Cpu.Rbm;
using SetGpu.Rbm;

using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Rbm;

/// <summary>
/// Annealed importance sampling against the exact log Z of tiny RBMs. Stated tolerance: the estimate lies within
/// 0.05 nats of the exact value and within 4 of its own standard errors (or 0.01 nats, when the standard error is tiny);
/// with 200 runs and 2,000 β the error here is about 0.01.
/// </summary>
public class AisTests
{
    [Theory]
    [InlineData(VisibleUnitKind.Bernoulli, 10, 8, 0.6, 1.0f)]
    [InlineData(VisibleUnitKind.Bernoulli, 24, 12, 0.3, 1.5f)]
    [InlineData(VisibleUnitKind.Gaussian, 10, 8, 0.6, 0.4f)]
    public void Ais_estimate_matches_exact_log_partition(VisibleUnitKind kind, int visible, int hidden, double density, float scale)
    {
        var rbm = RbmTestModels.Random(visible, hidden, density, seed: 9, kind, scale);
        var train = RbmTestModels.Data(200, visible, seed: 3, gaussian: kind == VisibleUnitKind.Gaussian);
        using var engine = new CpuRbmEngine(rbm.Clone());
        var options = new AisOptions { Runs = 200, Betas = 2000 };
        var estimate = Ais.EstimateLogPartition(engine, kind, hidden, options, seed: 7, Ais.BaseVisibleBias(kind, train));
        double exact = RbmPartition.ExactLogPartition(rbm);
        double error = Math.Abs(estimate.LogZ - exact);
        Assert.True(error <= 0.05, $"AIS log Z {estimate.LogZ:F4} ± {estimate.StdErr:F4}, exact {exact:F4}: off by {error:F4}");
        Assert.True(error <= Math.Max(4 * estimate.StdErr, 0.01), $"AIS off by {error:F4}, more than 4 standard errors ({estimate.StdErr:F4})");
        Assert.True(estimate.EffectiveRuns > 50, $"only {estimate.EffectiveRuns:F1} effective runs of 200");
    }

    [Trait(Lane.Category, Lane.Slow)]
    [Fact]
    public void Ais_matches_exact_log_partition_of_a_trained_rbm()
    {
        // A CD-1-trained sparse RBM on binary data (4 noisy prototypes): structured weights, several modes.
        var spec = new SetRbmSpec { Visible = 64, Hidden = 10, Epsilon = 4, Epochs = 20, Seed = 42 };
        var data = RbmTrainingTests.Prototypes();
        using var model = SetRbm.Create(spec, Device.Cpu);
        model.Fit(data.Train);
        using var engine = new CpuRbmEngine(model.Export());
        var estimate = Ais.EstimateLogPartition(engine, VisibleUnitKind.Bernoulli, 10, new AisOptions { Runs = 200, Betas = 5000 }, seed: 1,
                                                Ais.BaseVisibleBias(VisibleUnitKind.Bernoulli, data.Train));
        double exact = RbmPartition.ExactLogPartition(engine.Export());
        // The model's own estimate (the same AIS, keyed by the run's seed) agrees as well.
        var likelihood = model.EstimateLogLikelihood(data.Train, data.Test, new AisOptions { Runs = 200, Betas = 5000 });
        Assert.Equal(exact, likelihood.ExactLogZ!.Value, 9);
        Assert.True(Math.Abs(likelihood.LogZ.LogZ - exact) <= 0.05, $"SetRbm's AIS log Z {likelihood.LogZ.LogZ:F4}, exact {exact:F4}");
        Assert.True(Math.Abs(estimate.LogZ - exact) <= 0.05, $"AIS log Z {estimate.LogZ:F4} ± {estimate.StdErr:F4}, exact {exact:F4}");
    }

    [Fact]
    public void Log_likelihood_is_minus_free_energy_minus_log_z()
    {
        var rbm = RbmTestModels.Random(10, 8, 0.6, seed: 2);
        var data = RbmTestModels.Data(50, 10, seed: 1);
        using var engine = new CpuRbmEngine(rbm.Clone());
        var result = Ais.EstimateLogLikelihood(engine, data, data, new AisOptions { Runs = 100, Betas = 1000 }, seed: 1);
        double exact = RbmPartition.ExactLogPartition(rbm);
        Assert.NotNull(result.ExactLogZ);
        Assert.Equal(exact, result.ExactLogZ!.Value, 9);
        double expected = -Enumerable.Range(0, 50).Average(s => RbmEnergy.FreeEnergy(rbm, data.Sample(s))) - exact;
        Assert.True(Math.Abs(result.MeanLogProbability - expected) <= 1e-5 * Math.Abs(expected), $"mean log p {result.MeanLogProbability} vs {expected}");
        Assert.True(Math.Abs(result.AisMeanLogProbability - expected) <= 0.05, $"mean log p with AIS {result.AisMeanLogProbability} vs {expected}");
        Assert.True(result.StdErr > 0);
    }

    [Fact]
    public void Ais_is_deterministic_and_its_schedule_runs_from_zero_to_one()
    {
        var rbm = RbmTestModels.Random(12, 6, 0.5, seed: 4);
        var options = new AisOptions { Runs = 20, Betas = 300 };
        var bias = new float[12];
        using var a = new CpuRbmEngine(rbm.Clone());
        using var b = new CpuRbmEngine(rbm.Clone());
        Assert.Equal(a.AisLogWeights(options, 3, bias), b.AisLogWeights(options, 3, bias));
        Assert.NotEqual(a.AisLogWeights(options, 3, bias), a.AisLogWeights(options, 4, bias));
        var betas = options.Schedule();
        Assert.Equal(0, betas[0]);
        Assert.Equal(1, betas[^1]);
        Assert.All(betas.Zip(betas.Skip(1)), p => Assert.True(p.Second > p.First));
    }
}
