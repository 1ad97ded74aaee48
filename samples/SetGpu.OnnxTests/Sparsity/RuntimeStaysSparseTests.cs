using Onnx;
using SetGpu.Export;
using SetGpu.OnnxTests.Support;
using Xunit.Abstractions;

namespace SetGpu.OnnxTests.Sparsity;

/// <summary>The tests that measure this process's memory run alone, after the others.</summary>
[CollectionDefinition(nameof(MemoryMeasurements), DisableParallelization = true)]
public sealed class MemoryMeasurements;

/// <summary>
/// ONNX Runtime keeps the exported model sparse: the graph it optimises (ORT_ENABLE_ALL) holds no layer-sized tensor
/// and no MatMul, and a layer whose dense form is 6.4 GB runs in a small fraction of that, with SetGpu's outputs.
/// </summary>
[Collection(nameof(MemoryMeasurements))]
public class RuntimeStaysSparseTests(ITestOutputHelper output) : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Optimised_graph_keeps_the_connections_and_nothing_dense()
    {
        var network = Networks.Random([400, 500, 300, 10], HiddenActivation.Relu, OutputActivation.Softmax, seed: 2);
        string path = _dir.File("model.onnx"), optimised = _dir.File("optimised.onnx");
        OnnxExport.Write(network, path);
        using (new OrtModel(path, optimised)) { }

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimised));
        var sizes = model.Graph.Initializer.Select(t => t.Dims.Aggregate(1L, (a, b) => a * b)).ToList();
        output.WriteLine($"optimised graph: {model.Graph.Node.Count} nodes ({string.Join(", ", model.Graph.Node.Select(n => n.OpType).Distinct())}), "
                         + $"largest initializer {sizes.Max()} values, {network.Connections} connections");
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "Gemm" or "SparseToDenseMatMul");
        Assert.All(model.Graph.Node.Where(n => n.OpType is "MatMul" or "FusedMatMul"), n =>
            Assert.Equal(3, model.Graph.Initializer.Single(t => t.Name == n.Input[0]).Dims.Count));
        Assert.True(model.Graph.Node.Count(n => n.OpType == "Gather") > network.Layers.Count);
        // Per connection its input and weight (padding adds at most a quarter, and a slot per unconnected neuron); per
        // neuron a bias and its row: nothing else, while the first layer alone would be 200 000 values dense.
        long neurons = network.Spec.LayerSizes.Sum();
        Assert.InRange(sizes.Sum(), 2 * network.Connections, 2 * (1.25 * network.Connections + neurons) + 2 * neurons + 100);
        Assert.True(network.Layers[0].Positions > sizes.Sum());
    }

    [Fact]
    public void Layer_of_6_gigabytes_dense_runs_in_a_small_fraction_of_that()
    {
        const int width = 40_000, batch = 4;
        var network = Networks.Random([width, width, 10], HiddenActivation.Relu, OutputActivation.Softmax, seed: 4, epsilon: 20);
        long denseBytes = 4L * network.Layers[0].Positions;
        string path = _dir.File("wide.onnx");
        var (rows, scaling) = Networks.RawSamples(batch, width, seed: 1);
        OnnxExport.Write(network, path, scaling);
        var expected = Networks.Predict(network, rows, scaling);

        long before = PeakMemory.Reset();
        float[] actual;
        using (var ort = new OrtModel(path)) actual = ort.Run(rows, batch, width);
        long growth = PeakMemory.Peak() - before;
        output.WriteLine($"{network.Layers[0].Connections} connections in layer 0, {new FileInfo(path).Length / 1e6:F1} MB file; "
                         + $"ONNX Runtime's peak memory: +{growth / 1e6:F0} MB, the dense layer alone {denseBytes / 1e9:F1} GB");
        Networks.AssertClose(expected, actual, 10);
        Assert.True(growth < denseBytes / 10, $"ONNX Runtime grew by {growth / 1e6:F0} MB; dense, the layer alone is {denseBytes / 1e6:F0} MB");
    }
}
