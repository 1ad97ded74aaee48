using SetGpu.Data;
using SetGpu.Model;

namespace SetGpu.OnnxTests.Support;

/// <summary>Networks to export: random ones of any activation and output kind, and SetGpu's own outputs for them.</summary>
internal static class Networks
{
    /// <summary>
    /// A new network of <paramref name="sizes"/> with random biases (zero at creation) and, for SReLU, random parameters
    /// on every side of both thresholds, so that every piece of every activation is exercised.
    /// </summary>
    public static SparseNetwork Random(int[] sizes, HiddenActivation hidden, OutputActivation output, int seed, double epsilon = 5)
    {
        var spec = new SetMlpSpec
        {
            LayerSizes = sizes, HiddenActivation = hidden, OutputActivation = output, Epsilon = epsilon, Seed = (ulong)seed,
            Loss = output == OutputActivation.Softmax ? LossKind.CrossEntropy : LossKind.Mse,
        };
        var network = SparseNetwork.Create(spec);
        var rng = new Random(seed);
        foreach (var layer in network.Layers)
        {
            for (int j = 0; j < layer.Outputs; j++) layer.Bias[j] = (float)(rng.NextDouble() - 0.5);
            if (layer.ActivationParameters is not { } p) continue;
            int n = layer.Outputs;
            for (int j = 0; j < n; j++)
            {
                p[SReluParameters.LeftThreshold * n + j] = (float)(-rng.NextDouble());
                p[SReluParameters.LeftSlope * n + j] = (float)rng.NextDouble();
                p[SReluParameters.RightThreshold * n + j] = (float)rng.NextDouble();
                p[SReluParameters.RightSlope * n + j] = (float)(2 * rng.NextDouble());
            }
        }
        return network;
    }

    /// <summary>Random raw samples (row-major) with a per-feature offset and scale, and a standardisation that undoes them.</summary>
    public static (float[] Rows, Standardizer Scaling) RawSamples(int samples, int features, int seed)
    {
        var rng = new Random(seed);
        var mean = Enumerable.Range(0, features).Select(_ => (float)(rng.NextDouble() * 10 - 5)).ToArray();
        var std = Enumerable.Range(0, features).Select(_ => (float)(rng.NextDouble() * 3 + 0.2)).ToArray();
        var rows = new float[samples * features];
        for (int i = 0; i < rows.Length; i++) rows[i] = mean[i % features] + std[i % features] * (float)(rng.NextDouble() * 4 - 2);
        return (rows, Standardizer.FromStatistics(mean, std));
    }

    /// <summary>SetGpu's own outputs (CPU engine) for raw samples, standardised as <see cref="SetPredictor"/> does.</summary>
    public static float[] Predict(SparseNetwork network, float[] rows, Standardizer? scaling)
    {
        int features = network.Spec.LayerSizes[0];
        var data = new Dataset("raw", rows, new int[rows.Length / features], features, Math.Max(2, network.Spec.LayerSizes[^1]));
        using var model = SetMlp.FromNetwork(network.Clone(), Device.Cpu);
        return model.Predict(scaling?.Transform(data) ?? data).Values;
    }

    /// <summary>Asserts every value within 1e-5 (relative above 1), naming the first that is not.</summary>
    public static void AssertClose(float[] expected, float[] actual, int columns, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = tolerance * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= bound,
                $"sample {i / columns}, output {i % columns}: SetGpu {expected[i]:R}, ONNX Runtime {actual[i]:R} (differ by {Math.Abs(expected[i] - actual[i]):E2})");
        }
    }
}
