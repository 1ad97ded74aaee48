using SetGpu.Model;

namespace SetGpu.OnnxBench;

/// <summary>A network of the given shape with its Erdős–Rényi topology and initial weights: speed and memory depend on the shape, not on training.</summary>
internal static class BenchNetwork
{
    public static SparseNetwork Create(int[] layers, double epsilon) => SparseNetwork.Create(new SetMlpSpec
    {
        LayerSizes = layers, Epsilon = epsilon, OutputActivation = OutputActivation.Sigmoid, Loss = LossKind.MseReference, Seed = 1,
    });

    /// <summary>Random samples in [0, 1), row-major.</summary>
    public static float[] Samples(int samples, int features)
    {
        var rng = new Random(7);
        var rows = new float[(long)samples * features];
        for (long i = 0; i < rows.LongLength; i++) rows[i] = rng.NextSingle();
        return rows;
    }

    public static string Describe(SparseNetwork network) =>
        $"{string.Join('-', network.Spec.LayerSizes)}, ε = {network.Spec.Epsilon}, {network.Connections:N0} connections "
        + $"({network.Layers.Sum(l => l.Positions):N0} positions dense)";
}
