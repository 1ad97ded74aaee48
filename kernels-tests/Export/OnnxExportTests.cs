using Onnx;
using SetGpu.Data;
using SetGpu.Export;
using SetGpu.KernelsTests.Data;
using SetGpu.Model;

namespace SetGpu.KernelsTests.Export;

/// <summary>
/// The ONNX export's file, read back with the ONNX protobuf classes (ONNX Runtime runs it in samples/SetGpu.OnnxTests): standard
/// operators of opset 18 only, the batch left open, and a sparse model that holds the connections and nothing dense.
/// </summary>
public class OnnxExportTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    static SparseNetwork Network(int[] sizes, double epsilon = 4, HiddenActivation hidden = HiddenActivation.Relu) =>
        SparseNetwork.Create(new SetMlpSpec { LayerSizes = sizes, Epsilon = epsilon, HiddenActivation = hidden, Seed = 3 });

    static Standardizer Scaling(int features) =>
        Standardizer.FromStatistics(Enumerable.Repeat(0.5f, features).ToArray(), Enumerable.Repeat(2f, features).ToArray());

    const double DegreeBucketsSpread = SetGpu.Export.Onnx.DegreeBuckets.Spread;

    static ModelProto Read(string path) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

    [Fact]
    public void Sparse_model_uses_gather_and_batched_products_and_holds_the_connections_once()
    {
        var network = Network([200, 300, 250, 10]);
        string path = _dir.File("sparse.onnx");
        Assert.Equal([path], OnnxExport.Write(network, path, Scaling(200)));
        var model = Read(path);

        Assert.Equal(8, model.IrVersion);
        Assert.Equal(OnnxExport.OpsetVersion, (int)Assert.Single(model.OpsetImport).Version);
        var input = Assert.Single(model.Graph.Input);
        Assert.Equal(OnnxExport.InputName, input.Name);
        Assert.Equal("batch", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(200, input.Type.TensorType.Shape.Dim[1].DimValue);
        Assert.Equal(10, Assert.Single(model.Graph.Output).Type.TensorType.Shape.Dim[1].DimValue);
        Assert.All(model.Graph.Node, n => Assert.Equal("", n.Domain)); // standard operators only
        // MatMul only in the batched form: weights of rank 3 (groups × 1 × width), never an inputs × outputs matrix.
        Assert.All(model.Graph.Node.Where(n => n.OpType is "MatMul"), n =>
            Assert.Equal(3, model.Graph.Initializer.Single(t => t.Name == n.Input[0]).Dims.Count));
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "Gemm");
        Assert.True(model.Graph.Node.Count(n => n.OpType == "Gather") > network.Layers.Count);

        // Per connection its input (int32) and weight (float), padding at most a quarter more and a slot per unconnected
        // neuron; per neuron its bias and its row (int32); per input a mean and a scale. No tensor is layer-sized.
        long connections = network.Connections;
        long tensorBytes = model.Graph.Initializer.Sum(t => (long)t.RawData.Length);
        long neurons = network.Spec.LayerSizes.Sum();
        Assert.InRange(tensorBytes, 8 * connections, (long)(8 * (DegreeBucketsSpread * connections + neurons)) + 8 * neurons + 1024);
        Assert.InRange(new FileInfo(path).Length, tensorBytes, tensorBytes + 16 * 1024);
        foreach (var layer in network.Layers)
            Assert.DoesNotContain(model.Graph.Initializer, t => t.Dims.Aggregate(1L, (a, b) => a * b) >= layer.Positions);
    }

    [Fact]
    public void Sparse_file_grows_with_connections_not_with_positions()
    {
        // Ten times the neurons at the same connection count: a dense export would grow a hundredfold.
        string small = _dir.File("small.onnx"), wide = _dir.File("wide.onnx");
        var a = Network([100, 100, 10], epsilon: 20);
        var b = Network([1000, 1000, 10], epsilon: 2);
        OnnxExport.Write(a, small);
        OnnxExport.Write(b, wide);
        foreach (var (network, path) in new[] { (a, small), (b, wide) })
        {
            // Per connection 8 bytes (input, weight), padding at most a quarter more or a slot per neuron; per neuron 8
            // bytes (bias, row); the graph's text.
            long connections = network.Connections, neurons = network.Spec.LayerSizes.Sum();
            Assert.InRange(new FileInfo(path).Length, 8 * connections,
                           (long)(8 * (DegreeBucketsSpread * connections + neurons)) + 8 * neurons + 16 * 1024);
        }
        Assert.True(new FileInfo(wide).Length * 50 < 4 * b.Layers[0].Positions, "the wide model is not far below its dense size");
    }

    [Fact]
    public void Dense_form_holds_every_position_and_is_refused_for_huge_layers()
    {
        var network = Network([50, 40, 5]);
        string path = _dir.File("dense.onnx");
        OnnxExport.Write(network, path, form: OnnxLayerForm.Dense);
        var model = Read(path);
        Assert.Equal(2, model.Graph.Node.Count(n => n.OpType == "MatMul"));
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "Gather");
        var w0 = model.Graph.Initializer.Single(t => t.Name == "layer0_dense_weights");
        Assert.Equal(new long[] { 50, 40 }, w0.Dims);
        // Every connection's weight at its position, zero elsewhere.
        var dense = new float[50 * 40];
        Buffer.BlockCopy(w0.RawData.ToByteArray(), 0, dense, 0, w0.RawData.Length);
        var layer = network.Layers[0];
        for (int i = 0; i < 50; i++)
            for (int k = layer.Pattern.Offsets[i]; k < layer.Pattern.Offsets[i + 1]; k++)
                Assert.Equal(layer.Weights[k], dense[i * 40 + layer.Pattern.Columns[k]]);
        Assert.Equal(layer.Connections, dense.Count(v => v != 0));

        var huge = Network([20_000, 20_000, 2], epsilon: 1); // 4·10⁸ positions, 4·10⁴ connections
        var error = Assert.Throws<ArgumentException>(() => OnnxExport.Write(huge, _dir.File("huge.onnx"), form: OnnxLayerForm.Dense));
        Assert.Contains("--onnx-dense: layer 0 is 20000 × 20000", error.Message);
        Assert.False(File.Exists(_dir.File("huge.onnx")));
    }

    [Fact]
    public void Large_weights_go_to_an_external_data_file_beside_the_model()
    {
        var network = Network([300, 300, 10]);
        string path = _dir.File("external.onnx");
        var files = OnnxExport.Write(network, path, null, OnnxLayerForm.Sparse, inlineLimit: 1000);
        Assert.Equal([path, path + ".data"], files);
        var model = Read(path);
        var external = model.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External).ToList();
        Assert.NotEmpty(external);
        Assert.All(external, t => Assert.Equal("external.onnx.data", t.ExternalData.Single(e => e.Key == "location").Value));
        long bytes = external.Sum(t => long.Parse(t.ExternalData.Single(e => e.Key == "length").Value));
        Assert.Equal(new FileInfo(path + ".data").Length, bytes);
        Assert.True(new FileInfo(path).Length * 2 < new FileInfo(path + ".data").Length, "the model file holds the graph, the weights lie beside it");

        // Written again inline, the stale data file goes.
        OnnxExport.Write(network, path);
        Assert.False(File.Exists(path + ".data"));
    }

    [Fact]
    public void Standardisation_of_another_width_is_refused_with_the_counts()
    {
        var error = Assert.Throws<ArgumentException>(() => OnnxExport.Write(Network([20, 10, 3]), _dir.File("m.onnx"), Scaling(21)));
        Assert.Contains("21 features, but the network takes 20", error.Message);
    }
}
