using MathNet.Numerics.LinearAlgebra;
using SetGpu.Evolution;
using SetGpu.Model;
using SetGpu.Rng;

namespace SetGpu.KernelsTests.Support;

/// <summary>Random layers and blocks for kernel tests, and their dense MathNet equivalents (the reference).</summary>
internal static class TestLayers
{
    /// <summary>A layer with <paramref name="density"/> of its positions connected, random weights and biases.</summary>
    public static SparseLayer Random(int inputs, int outputs, double density, int seed,
                                     LayerActivation? activation = null)
    {
        long count = (long)Math.Round(density * inputs * outputs);
        var pattern = Regrowth.SelectEmpty(inputs, outputs, Occupancy.None(inputs), count,
                                           CounterRng.Key((ulong)seed, RngStream.InitialTopology, 0, 0));
        var rng = new System.Random(seed);
        var weights = Enumerable.Range(0, pattern.Count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var velocity = Enumerable.Range(0, pattern.Count).Select(_ => (float)(rng.NextDouble() * 0.2 - 0.1)).ToArray();
        var bias = Enumerable.Range(0, outputs).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var biasVelocity = Enumerable.Range(0, outputs).Select(_ => (float)(rng.NextDouble() * 0.2 - 0.1)).ToArray();
        return new SparseLayer(inputs, outputs, activation ?? new LayerActivation(ActivationKind.PiecewiseLinear, 0f),
                               WeightInit.For(WeightInitKind.HeUniform, Math.Max(1, count / (double)outputs)),
                               pattern, weights, velocity, bias, biasVelocity);
    }

    /// <summary>A random feature-major block (rows × batch) with values in [-1, 1).</summary>
    public static float[] RandomBlock(int rows, int batch, int seed)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, rows * batch).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>The layer's weights as a dense outputs × inputs matrix (Wᵀ, so that z = W·x) in double precision.</summary>
    public static Matrix<double> DenseWeights(SparseLayer layer)
    {
        var w = Matrix<double>.Build.Dense(layer.Outputs, layer.Inputs);
        for (int i = 0; i < layer.Inputs; i++)
            for (int k = layer.Pattern.Offsets[i]; k < layer.Pattern.Offsets[i + 1]; k++)
                w[layer.Pattern.Columns[k], i] = layer.Weights[k];
        return w;
    }

    /// <summary>The 0/1 mask of connected positions, outputs × inputs.</summary>
    public static Matrix<double> Mask(SparseLayer layer)
    {
        var m = Matrix<double>.Build.Dense(layer.Outputs, layer.Inputs);
        for (int i = 0; i < layer.Inputs; i++)
            for (int k = layer.Pattern.Offsets[i]; k < layer.Pattern.Offsets[i + 1]; k++)
                m[layer.Pattern.Columns[k], i] = 1;
        return m;
    }

    /// <summary>A feature-major block as a rows × batch matrix.</summary>
    public static Matrix<double> AsMatrix(float[] block, int rows, int batch) =>
        Matrix<double>.Build.Dense(rows, batch, (r, b) => block[r * batch + b]);

    /// <summary>Asserts |actual − expected| ≤ tol · max(1, |expected|) element-wise, naming the first failure.</summary>
    public static void AssertClose(Matrix<double> expected, float[] actual, double tol, string what)
    {
        int batch = expected.ColumnCount;
        for (int r = 0; r < expected.RowCount; r++)
            for (int b = 0; b < batch; b++)
            {
                double e = expected[r, b], a = actual[r * batch + b];
                Assert.True(Math.Abs(a - e) <= tol * Math.Max(1, Math.Abs(e)),
                    $"{what}[{r},{b}]: expected {e}, got {a} (tolerance {tol} relative)");
            }
    }

    /// <summary>A rows × batch block laid out as rows × <paramref name="lanes"/>, the padding lanes zero (a device block).</summary>
    public static float[] Padded(float[] block, int rows, int batch, int lanes)
    {
        var padded = new float[rows * lanes];
        for (int r = 0; r < rows; r++) Array.Copy(block, r * batch, padded, r * lanes, batch);
        return padded;
    }

    /// <summary>The first <paramref name="batch"/> lanes of each row of a rows × <paramref name="lanes"/> block, packed.</summary>
    public static float[] Unpadded(float[] block, int rows, int batch, int lanes)
    {
        var packed = new float[rows * batch];
        for (int r = 0; r < rows; r++) Array.Copy(block, r * lanes, packed, r * batch, batch);
        return packed;
    }

    /// <summary>The raw bits of each value, for assertions that must hold bit for bit.</summary>
    public static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
