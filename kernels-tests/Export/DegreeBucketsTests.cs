using SetGpu.Export.Onnx;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Sparse;

namespace SetGpu.KernelsTests.Export;

/// <summary>
/// The grouping of a sparse layer's outputs by in-degree that the ONNX export computes with Gather, Mul and
/// ReduceSum: every connection exactly once with its weight, padding of weight 0, and at most a quarter more slots
/// than connections (plus one per unconnected neuron), also for the skewed in-degrees evolution leaves.
/// </summary>
public class DegreeBucketsTests
{
    static void AssertExact(SparseLayer layer)
    {
        var buckets = DegreeBuckets.Of(layer);
        var seen = new Dictionary<(int Input, int Output), float>();
        long slots = 0;
        for (int g = 0; g < buckets.Outputs.Length; g++)
        {
            int width = buckets.Width[g];
            int smallest = int.MaxValue;
            for (int r = 0; r < buckets.Outputs[g].Length; r++)
            {
                int degree = 0;
                for (int c = 0; c < width; c++)
                {
                    float weight = buckets.Weights[g][r * width + c];
                    if (weight == 0f) continue; // padding (the random weights are never exactly 0)
                    degree++;
                    Assert.True(seen.TryAdd((buckets.Inputs[g][r * width + c], buckets.Outputs[g][r]), weight), "a connection twice");
                }
                smallest = Math.Min(smallest, degree);
            }
            Assert.True(width <= Math.Max(1, Math.Max(smallest * DegreeBuckets.Spread, smallest + 1)), $"group {g}: width {width}, smallest in-degree {smallest}");
            slots += (long)width * buckets.Outputs[g].Length;
        }
        Assert.Equal(layer.Connections, seen.Count);
        for (int i = 0; i < layer.Inputs; i++)
            for (int k = layer.Pattern.Offsets[i]; k < layer.Pattern.Offsets[i + 1]; k++)
                Assert.Equal(layer.Weights[k], seen[(i, layer.Pattern.Columns[k])]);
        Assert.InRange(slots, layer.Connections, (long)(DegreeBuckets.Spread * layer.Connections) + layer.Outputs);
        // The stacked groups' rows, put back in order, give every output once.
        Assert.Equal(Enumerable.Range(0, layer.Outputs), buckets.RowOfOutput().Order());
    }

    [Theory]
    [InlineData(300, 200, 0.05, 1)]
    [InlineData(50, 400, 0.3, 2)]
    [InlineData(1000, 20, 0.01, 3)]
    public void Random_layers_are_grouped_exactly(int inputs, int outputs, double density, int seed) =>
        AssertExact(TestLayers.Random(inputs, outputs, density, seed));

    [Fact]
    public void Skewed_and_unconnected_outputs_are_grouped_exactly()
    {
        // Output 0 takes every input, output 1 one input, outputs 2 and 3 none, output 4 every other input.
        const int inputs = 500;
        var rows = Enumerable.Range(0, inputs).Select(i => i % 2 == 0 ? new[] { 0, 4 } : [0]).ToArray();
        rows[7] = [0, 1];
        var offsets = new int[inputs + 1];
        for (int i = 0; i < inputs; i++) offsets[i + 1] = offsets[i] + rows[i].Length;
        var pattern = new CsrPattern(offsets, rows.SelectMany(r => r).ToArray());
        var weights = Enumerable.Range(1, pattern.Count).Select(k => k * 0.001f).ToArray();
        var layer = new SparseLayer(inputs, 5, new LayerActivation(ActivationKind.PiecewiseLinear), WeightInit.For(WeightInitKind.HeUniform, 1),
                                    pattern, weights);
        AssertExact(layer);
    }
}
