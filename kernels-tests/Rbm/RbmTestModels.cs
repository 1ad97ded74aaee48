using MathNet.Numerics.LinearAlgebra;
using SetGpu.Evolution;
using SetGpu.Model;
using SetGpu.Rbm;
using SetGpu.Rng;

namespace SetGpu.KernelsTests.Rbm;

/// <summary>Random RBMs and blocks for the RBM tests, and their dense MathNet equivalents (the reference).</summary>
internal static class RbmTestModels
{
    /// <summary>
    /// An RBM with <paramref name="density"/> of its positions connected, weights uniform in ±<paramref name="scale"/>,
    /// random biases; trained as <paramref name="spec"/> says (its shape and units are set from the arguments).
    /// </summary>
    public static SparseRbm Random(int visible, int hidden, double density, int seed, VisibleUnitKind kind = VisibleUnitKind.Bernoulli,
                                   float scale = 1f, SetRbmSpec? spec = null)
    {
        long count = Math.Max(1, (long)Math.Round(density * visible * hidden));
        var pattern = Regrowth.SelectEmpty(visible, hidden, Occupancy.None(visible), count,
                                           CounterRng.Key((ulong)seed, RngStream.InitialTopology, 0, 0));
        var rng = new System.Random(seed);
        var weights = Enumerable.Range(0, pattern.Count).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
        var options = (spec ?? new SetRbmSpec { Visible = visible, Epsilon = 1, Seed = (ulong)seed }) with
        {
            Visible = visible, Hidden = hidden, VisibleUnits = kind,
        };
        var layer = new SparseLayer(visible, hidden, new LayerActivation(ActivationKind.Sigmoid), SparseRbm.Init(options), pattern, weights,
                                    bias: Enumerable.Range(0, hidden).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray());
        var visibleBias = Enumerable.Range(0, visible).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        return new SparseRbm(options, layer, visibleBias);
    }

    /// <summary>The weights as a dense visible × hidden matrix in double precision.</summary>
    public static Matrix<double> DenseWeights(SparseRbm rbm)
    {
        var w = Matrix<double>.Build.Dense(rbm.Visible, rbm.Hidden);
        var p = rbm.Weights.Pattern;
        for (int i = 0; i < rbm.Visible; i++)
            for (int k = p.Offsets[i]; k < p.Offsets[i + 1]; k++) w[i, p.Columns[k]] = rbm.Weights.Weights[k];
        return w;
    }

    /// <summary>The 0/1 mask of connected positions, visible × hidden.</summary>
    public static Matrix<double> Mask(SparseRbm rbm)
    {
        var m = Matrix<double>.Build.Dense(rbm.Visible, rbm.Hidden);
        var p = rbm.Weights.Pattern;
        for (int i = 0; i < rbm.Visible; i++)
            for (int k = p.Offsets[i]; k < p.Offsets[i + 1]; k++) m[i, p.Columns[k]] = 1;
        return m;
    }

    /// <summary>A unit-major block (units × stride) whose first <paramref name="batch"/> lanes hold values from <paramref name="value"/>, zeros beyond.</summary>
    public static float[] Block(int units, int batch, int stride, int seed, Func<System.Random, float> value)
    {
        var rng = new System.Random(seed);
        var block = new float[units * stride];
        for (int u = 0; u < units; u++)
            for (int b = 0; b < batch; b++) block[u * stride + b] = value(rng);
        return block;
    }

    /// <summary>The first <paramref name="batch"/> lanes of a block as a units × batch matrix.</summary>
    public static Matrix<double> AsMatrix(float[] block, int units, int batch, int stride) =>
        Matrix<double>.Build.Dense(units, batch, (u, b) => block[u * stride + b]);

    /// <summary>A dataset of <paramref name="samples"/> random samples: uniform [0, 1) or standard normal.</summary>
    public static SetGpu.Data.Dataset Data(int samples, int features, int seed, bool gaussian = false)
    {
        var rng = new System.Random(seed);
        var x = new float[samples * features];
        for (int i = 0; i < x.Length; i++)
            x[i] = gaussian ? (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))
                            : (float)rng.NextDouble();
        return new SetGpu.Data.Dataset($"random-{seed}", x, Enumerable.Range(0, samples).Select(s => s % 2).ToArray(), features, 2);
    }

    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
