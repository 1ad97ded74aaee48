using MathNet.Numerics.LinearAlgebra;
using SetGpu.Cpu.Rbm;
using SetGpu.KernelsTests.Support;
using SetGpu.Rbm;
using SetGpu.Sparse;

namespace SetGpu.KernelsTests.Rbm;

/// <summary>
/// The CPU RBM kernels against dense MathNet computations with the mask applied, in double precision, for fixed
/// states. Tolerance: 1e-5 relative (float32 sums of at most a few hundred terms of magnitude ≤ 1).
/// </summary>
public class RbmKernelTests
{
    const double Tolerance = 1e-5;

    public static TheoryData<int, int, double, int> Shapes => new()
    {
        { 7, 5, 0.4, 1 },       // batch 1: one vector of lanes, mostly padding
        { 64, 48, 0.1, 10 },    // the reference's batch size
        { 33, 70, 0.25, 3 },
        { 100, 80, 0.05, 17 },  // three vectors: the 2- and 1-vector tiles
        { 50, 40, 1.0, 32 },    // dense
        { 300, 200, 0.02, 40 }, // a 4-vector tile and a 1-vector tile
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Hidden_gather_equals_dense_sigmoid_of_transposed_product_plus_bias(int visible, int hidden, double density, int batch)
    {
        var rbm = RbmTestModels.Random(visible, hidden, density, seed: visible + batch);
        int stride = RbmLanes.Stride(batch);
        var v = RbmTestModels.Block(visible, batch, stride, 3, r => (float)r.NextDouble());
        var probabilities = new float[hidden * stride];
        var pre = new float[hidden * stride];
        var states = new float[hidden * stride];
        var entries = new IncomingEntries(IncomingIndex.Build(rbm.Weights.Pattern, hidden), rbm.Weights.Weights);
        RbmGather.Run(hidden, rbm.Connections, entries, rbm.HiddenBias, v, stride, new HiddenProbability(probabilities, batch));
        RbmGather.Run(hidden, rbm.Connections, entries, rbm.HiddenBias, v, stride, new SampleHidden(states, batch, hidden, 77, 5, pre));

        var z = RbmTestModels.DenseWeights(rbm).Transpose() * RbmTestModels.AsMatrix(v, visible, batch, stride);
        for (int j = 0; j < hidden; j++)
            for (int b = 0; b < batch; b++) z[j, b] += rbm.HiddenBias[j];
        TestLayers.AssertClose(z, Lanes(pre, hidden, batch, stride), Tolerance, "z");
        TestLayers.AssertClose(z.Map(RbmTestModels.Sigmoid), Lanes(probabilities, hidden, batch, stride), Tolerance, "p(h|v)");
        for (int j = 0; j < hidden; j++)
        {
            for (int b = 0; b < batch; b++)
            {
                // The sampled state is the documented draw: uniform(key, (offset + b)·hidden + j) < p.
                float p = probabilities[j * stride + b];
                float u = RbmSampling.Uniform(77, RbmSampling.Counter(5 + b, hidden, j));
                if (Math.Abs(u - p) > 1e-5) Assert.Equal(u < p ? 1f : 0f, states[j * stride + b]);
            }
            for (int b = batch; b < stride; b++)
            {
                Assert.Equal(0f, states[j * stride + b]);
                Assert.Equal(0f, probabilities[j * stride + b]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Visible_gather_equals_dense_product_plus_bias_with_its_squared_error(int visible, int hidden, double density, int batch)
    {
        foreach (bool gaussian in new[] { false, true })
        {
            var rbm = RbmTestModels.Random(visible, hidden, density, seed: 3 * visible + batch);
            int stride = RbmLanes.Stride(batch);
            var h = RbmTestModels.Block(hidden, batch, stride, 4, r => r.Next(2));
            var data = RbmTestModels.Block(visible, batch, stride, 5, r => (float)r.NextDouble());
            var means = new float[visible * stride];
            var errors = new double[visible];
            RbmGather.Run(visible, rbm.Connections, new RowEntries(rbm.Weights.Pattern, rbm.Weights.Weights), rbm.VisibleBias, h, stride,
                          new VisibleMean(means, null, data, errors, gaussian, batch, visible, 0));

            var a = RbmTestModels.DenseWeights(rbm) * RbmTestModels.AsMatrix(h, hidden, batch, stride);
            for (int i = 0; i < visible; i++)
                for (int b = 0; b < batch; b++) a[i, b] += rbm.VisibleBias[i];
            var expected = gaussian ? a : a.Map(RbmTestModels.Sigmoid);
            TestLayers.AssertClose(expected, Lanes(means, visible, batch, stride), Tolerance, gaussian ? "E[v|h] gaussian" : "p(v|h)");
            var diff = RbmTestModels.AsMatrix(data, visible, batch, stride) - expected;
            for (int i = 0; i < visible; i++)
            {
                double e = diff.Row(i).Sum(x => x * x);
                Assert.True(Math.Abs(errors[i] - e) <= 1e-5 * Math.Max(1, e), $"error of row {i}: {errors[i]} vs {e}");
                for (int b = batch; b < stride; b++) Assert.Equal(0f, means[i * stride + b]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Cd_update_equals_masked_dense_statistics_with_momentum_and_decay(int visible, int hidden, double density, int batch)
    {
        var rbm = RbmTestModels.Random(visible, hidden, density, seed: 7 * hidden + batch);
        var rng = new System.Random(batch);
        for (int k = 0; k < rbm.Connections; k++) rbm.Weights.WeightVelocity[k] = (float)(rng.NextDouble() * 0.2 - 0.1);
        var before = rbm.Clone();
        int stride = RbmLanes.Stride(batch);
        var vd = RbmTestModels.Block(visible, batch, stride, 11, r => (float)r.NextDouble());
        var vm = RbmTestModels.Block(visible, batch, stride, 12, r => (float)r.NextDouble());
        var hd = RbmTestModels.Block(hidden, batch, stride, 13, r => r.Next(2));
        var hm = RbmTestModels.Block(hidden, batch, stride, 14, r => r.Next(2));
        var step = new RbmStep(0.1f, 0.5f, 0.01f);
        CdUpdate.Run(rbm.Weights, vd, hd, vm, hm, stride, batch, step);
        CdUpdate.Biases(rbm.VisibleBias, rbm.VisibleBiasVelocity, vd, vm, stride, batch, step);
        CdUpdate.Biases(rbm.HiddenBias, rbm.Weights.BiasVelocity, hd, hm, stride, batch, step);

        // g = (V⁰ H⁰ᵀ − Vᵏ Hᵏᵀ)/B at the connections; Δ = μ·Δ + η·g; W ← W + Δ − λ·W.
        Matrix<double> M(float[] block, int units) => RbmTestModels.AsMatrix(block, units, batch, stride);
        var g = (M(vd, visible) * M(hd, hidden).Transpose() - M(vm, visible) * M(hm, hidden).Transpose()) / batch;
        var p = before.Weights.Pattern;
        Assert.Equal(p.Columns, rbm.Weights.Pattern.Columns);
        for (int i = 0; i < visible; i++)
            for (int k = p.Offsets[i]; k < p.Offsets[i + 1]; k++)
            {
                double velocity = 0.5 * before.Weights.WeightVelocity[k] + 0.1 * g[i, p.Columns[k]];
                double w = before.Weights.Weights[k] + velocity - 0.01 * before.Weights.Weights[k];
                Assert.True(Math.Abs(rbm.Weights.Weights[k] - w) <= Tolerance * Math.Max(1, Math.Abs(w)),
                    $"W[{i},{p.Columns[k]}]: expected {w}, got {rbm.Weights.Weights[k]}");
                Assert.True(Math.Abs(rbm.Weights.WeightVelocity[k] - velocity) <= Tolerance, $"velocity [{i},{p.Columns[k]}]");
            }
        for (int i = 0; i < visible; i++)
        {
            double gb = (M(vd, visible).Row(i).Sum() - M(vm, visible).Row(i).Sum()) / batch;
            double b = before.VisibleBias[i] + 0.1 * gb - 0.01 * before.VisibleBias[i];
            Assert.True(Math.Abs(rbm.VisibleBias[i] - b) <= Tolerance, $"visible bias {i}: expected {b}, got {rbm.VisibleBias[i]}");
        }
        for (int j = 0; j < hidden; j++)
        {
            double gc = (M(hd, hidden).Row(j).Sum() - M(hm, hidden).Row(j).Sum()) / batch;
            double c = before.HiddenBias[j] + 0.1 * gc - 0.01 * before.HiddenBias[j];
            Assert.True(Math.Abs(rbm.HiddenBias[j] - c) <= Tolerance, $"hidden bias {j}: expected {c}, got {rbm.HiddenBias[j]}");
        }
    }

    [Fact]
    public void Vector_sigmoid_and_softplus_match_double_precision()
    {
        var z = Enumerable.Range(-400, 801).Select(i => i * 0.1f).ToArray(); // −40 … 40: both tails
        const int width = RbmLanes.Width;
        for (int s = 0; s + width <= z.Length; s += width)
        {
            var x = System.Runtime.Intrinsics.Vector256.Create(z.AsSpan(s));
            var sig = RbmVectorMath.Sigmoid(x);
            var sp = RbmVectorMath.Softplus(x);
            for (int l = 0; l < width; l++)
            {
                double e = RbmTestModels.Sigmoid(z[s + l]), f = RbmEnergy.Softplus(z[s + l]);
                Assert.True(Math.Abs(sig[l] - e) <= 1e-6 * Math.Max(1e-3, e) + 1e-30, $"sigmoid({z[s + l]}) = {sig[l]}, expected {e}");
                Assert.True(Math.Abs(sp[l] - f) <= 2e-6 * Math.Max(1, f) || (f < 1e-15 && sp[l] < 1e-15), $"softplus({z[s + l]}) = {sp[l]}, expected {f}");
            }
        }
    }

    /// <summary>The first <paramref name="batch"/> lanes of a block, packed (what TestLayers.AssertClose reads).</summary>
    static float[] Lanes(float[] block, int units, int batch, int stride)
    {
        var packed = new float[units * batch];
        for (int u = 0; u < units; u++)
            for (int b = 0; b < batch; b++) packed[u * batch + b] = block[u * stride + b];
        return packed;
    }
}
