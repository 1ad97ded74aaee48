using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>
/// The CPU engine's two forward passes inside the engine: the scatter (training batches up to
/// <see cref="SpmmForwardScatter.MaxBatch"/>) and the gather (larger ones) give the same outputs, including on a
/// short last batch. Tolerance 1e-5 relative: the two sum the same products in different orders.
/// </summary>
public class ForwardPathTests
{
    [Fact]
    public void Scatter_and_gather_engines_predict_the_same_outputs_with_short_last_batches()
    {
        var network = SparseNetwork.Create(new SetMlpSpec
        {
            LayerSizes = [40, 300, 200, 6], Epsilon = 8, WeightInit = WeightInitKind.ReferenceNormal, Seed = 2,
        });
        var rng = new Random(3);
        int samples = 260; // 256 + 4: the gather engine's last evaluation batch is small enough for the scatter
        var x = Enumerable.Range(0, samples * 40).Select(_ => rng.Next(3) == 0 ? 0f : (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var data = new Dataset("random", x, Enumerable.Range(0, samples).Select(i => i % 6).ToArray(), 40, 6);

        using var scatter = new CpuEngine(new SparseNetwork(network.Spec with { BatchSize = 2 }, network.Clone().Layers));
        using var gather = new CpuEngine(new SparseNetwork(network.Spec with { BatchSize = 64 }, network.Clone().Layers));
        var expected = gather.Predict(data);
        var actual = scatter.Predict(data);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])),
                        $"output {i}: gather {expected[i]}, scatter {actual[i]}");
        Assert.Equal(gather.Evaluate(data).Accuracy, scatter.Evaluate(data).Accuracy);
    }
}
