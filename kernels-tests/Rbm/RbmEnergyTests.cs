using MathNet.Numerics.LinearAlgebra;
using SetGpu.Cpu.Rbm;
using SetGpu.Rbm;

namespace SetGpu.KernelsTests.Rbm;

/// <summary>Free energy, reconstruction error, hidden features and the exact partition function against dense formulas.</summary>
public class RbmEnergyTests
{
    [Theory]
    [InlineData(VisibleUnitKind.Bernoulli, 40, 30, 0.2, 37, 16)]
    [InlineData(VisibleUnitKind.Gaussian, 40, 30, 0.2, 37, 16)]
    [InlineData(VisibleUnitKind.Bernoulli, 64, 20, 1.0, 300, 256)] // dense, two evaluation batches
    public void Evaluate_equals_dense_free_energy_and_reconstruction_error(VisibleUnitKind kind, int visible, int hidden, double density,
                                                                          int samples, int evaluationBatch)
    {
        bool gaussian = kind == VisibleUnitKind.Gaussian;
        var rbm = RbmTestModels.Random(visible, hidden, density, seed: 21, kind, scale: 0.5f,
                                       new SetRbmSpec { Visible = visible, EvaluationBatchSize = evaluationBatch });
        var data = RbmTestModels.Data(samples, visible, seed: 4, gaussian);
        using var engine = new CpuRbmEngine(rbm.Clone());
        const ulong key = 1234;
        var result = engine.Evaluate(data, key);

        var w = RbmTestModels.DenseWeights(rbm);
        double freeSum = 0, freeSquares = 0, errorSum = 0;
        for (int s = 0; s < samples; s++)
        {
            var x = Vector<double>.Build.Dense(visible, i => data.Sample(s)[i]);
            var z = w.TransposeThisAndMultiply(x) + Vector<double>.Build.Dense(rbm.HiddenBias.Select(c => (double)c).ToArray());
            var b = Vector<double>.Build.Dense(rbm.VisibleBias.Select(c => (double)c).ToArray());
            double f = (gaussian ? 0.5 * (x - b).DotProduct(x - b) : -b.DotProduct(x)) - z.Sum(RbmEnergy.Softplus);
            Assert.True(Math.Abs(f - RbmEnergy.FreeEnergy(rbm, data.Sample(s))) <= 1e-9 * Math.Max(1, Math.Abs(f)), "host free energy");
            freeSum += f;
            freeSquares += f * f;
            // The documented hidden sample: uniform(key, s·hidden + j) < σ(z_j).
            var h = Vector<double>.Build.Dense(hidden, j => RbmSampling.Uniform(key, RbmSampling.Counter(s, hidden, j)) < RbmTestModels.Sigmoid(z[j]) ? 1 : 0);
            var a = w * h + b;
            var mean = gaussian ? a : a.Map(RbmTestModels.Sigmoid);
            errorSum += (x - mean).DotProduct(x - mean);
        }
        double meanFree = freeSum / samples;
        double sd = Math.Sqrt((freeSquares - samples * meanFree * meanFree) / (samples - 1));
        Assert.Equal(samples, result.Samples);
        Assert.True(Math.Abs(result.MeanFreeEnergy - meanFree) <= 1e-5 * Math.Max(1, Math.Abs(meanFree)), $"mean F {result.MeanFreeEnergy} vs {meanFree}");
        Assert.True(Math.Abs(result.FreeEnergyStdDev - sd) <= 1e-4 * Math.Max(1, sd), $"sd F {result.FreeEnergyStdDev} vs {sd}");
        // A sampled state can flip where float and double probabilities straddle the uniform draw; none do at this size.
        double error = errorSum / ((double)samples * visible);
        Assert.True(Math.Abs(result.ReconstructionError - error) <= 1e-5 * Math.Max(1e-3, error), $"reconstruction error {result.ReconstructionError} vs {error}");
    }

    [Fact]
    public void Transform_gives_hidden_probabilities_per_sample()
    {
        var rbm = RbmTestModels.Random(30, 12, 0.3, seed: 8, spec: new SetRbmSpec { Visible = 30, EvaluationBatchSize = 8 });
        var data = RbmTestModels.Data(21, 30, seed: 2);
        using var engine = new CpuRbmEngine(rbm.Clone());
        var features = engine.Transform(data);
        Assert.Equal(21 * 12, features.Length);
        for (int s = 0; s < 21; s++)
        {
            var z = RbmEnergy.HiddenPreActivations(rbm, data.Sample(s));
            for (int j = 0; j < 12; j++)
                Assert.True(Math.Abs(features[s * 12 + j] - RbmTestModels.Sigmoid(z[j])) <= 1e-6, $"feature [{s},{j}]");
        }
    }

    [Theory]
    [InlineData(VisibleUnitKind.Bernoulli)]
    [InlineData(VisibleUnitKind.Gaussian)]
    public void Exact_log_partition_equals_a_brute_force_sum(VisibleUnitKind kind)
    {
        var rbm = RbmTestModels.Random(10, 8, 0.5, seed: 5, kind);
        var w = RbmTestModels.DenseWeights(rbm);
        var b = Vector<double>.Build.Dense(rbm.VisibleBias.Select(x => (double)x).ToArray());
        var c = Vector<double>.Build.Dense(rbm.HiddenBias.Select(x => (double)x).ToArray());
        var terms = new List<double>();
        for (int hs = 0; hs < 1 << 8; hs++)
        {
            var h = Vector<double>.Build.Dense(8, j => (hs >> j) & 1);
            if (kind == VisibleUnitKind.Bernoulli)
                for (int vs = 0; vs < 1 << 10; vs++) // every joint state: −E(v, h) = bᵀv + cᵀh + vᵀWh
                {
                    var v = Vector<double>.Build.Dense(10, i => (vs >> i) & 1);
                    terms.Add(b.DotProduct(v) + c.DotProduct(h) + v.DotProduct(w * h));
                }
            else
            {
                // ∫ exp(−½‖v − b‖² + cᵀh + vᵀWh) dv = (2π)^(n/2) · exp(cᵀh + bᵀWh + ½‖Wh‖²)
                var wh = w * h;
                terms.Add(c.DotProduct(h) + b.DotProduct(wh) + 0.5 * wh.DotProduct(wh) + 10 * RbmEnergy.HalfLogTwoPi);
            }
        }
        double max = terms.Max();
        double expected = max + Math.Log(terms.Sum(t => Math.Exp(t - max)));
        double exact = RbmPartition.ExactLogPartition(rbm);
        Assert.True(Math.Abs(exact - expected) <= 1e-9 * Math.Abs(expected), $"exact log Z {exact}, brute force {expected}");
    }

    [Fact]
    public void Exact_log_partition_refuses_too_many_hidden_units()
    {
        var rbm = RbmTestModels.Random(4, 31, 0.5, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => RbmPartition.ExactLogPartition(rbm));
        Assert.Contains("31 hidden units", e.Message);
    }
}
