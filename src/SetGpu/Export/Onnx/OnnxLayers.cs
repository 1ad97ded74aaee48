using SetGpu.Model;
using static SetGpu.Export.Onnx.OnnxGraph;

namespace SetGpu.Export.Onnx;

/// <summary>
/// The nodes of one network in an <see cref="OnnxGraph"/>: the input standardisation, each weight layer (sparse or dense)
/// with its bias, and each activation, computing exactly what the CPU engine computes for a row of samples.
/// </summary>
internal sealed class OnnxLayers(OnnxGraph graph, string batch)
{
    /// <summary>Largest dense layer <c>--onnx-dense</c> writes: 2^28 weights (1 GiB of floats).</summary>
    public const long MaxDensePositions = 1L << 28;

    readonly Dictionary<long, string> _shapes = [];

    /// <summary>x = (raw − mean) · (1 / std), per feature, as <see cref="Data.Standardizer.Transform"/> computes it.</summary>
    public string Standardise(string input, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        var inverse = std.Select(s => 1f / s).ToArray();
        string centred = graph.Node("Sub", "centred", [input, graph.Add(OnnxTensor.Of("input_mean", mean.ToArray(), mean.Count))]);
        return graph.Node("Mul", "standardised", [centred, graph.Add(OnnxTensor.Of("input_inverse_std", inverse, inverse.Length))]);
    }

    /// <summary>
    /// z = x·W + b with W sparse, never expanded: the inputs of every connection gathered from x (<c>Gather</c>,
    /// samples × connections), times the weights (<c>Mul</c>), added into the biases broadcast to samples × outputs at
    /// each connection's output (<c>ScatterElements</c>, reduction add). Memory and work grow with the connections.
    /// </summary>
    public string Sparse(string x, SparseLayer layer, int l)
    {
        var pattern = layer.Pattern;
        var rows = new int[pattern.Count];
        for (int i = 0; i < layer.Inputs; i++)
            rows.AsSpan(pattern.Offsets[i], pattern.Offsets[i + 1] - pattern.Offsets[i]).Fill(i);
        string gathered = graph.Node("Gather", $"layer{l}_inputs",
            [x, graph.Add(OnnxTensor.Of($"layer{l}_connection_input", rows, rows.Length))], Int("axis", 1));
        string products = graph.Node("Mul", $"layer{l}_products",
            [gathered, graph.Add(OnnxTensor.Of($"layer{l}_weights", layer.Weights, layer.Weights.Length))]);
        // ScatterElements wants indices of the updates' shape: the output index of each connection, one row per sample.
        string outputIndex = graph.Node("Expand", $"layer{l}_connection_output_rows",
            [graph.Add(OnnxTensor.Of($"layer{l}_connection_output", pattern.Columns, pattern.Columns.Length)), Rows(layer.Connections)]);
        string biases = graph.Node("Expand", $"layer{l}_bias_rows",
            [graph.Add(OnnxTensor.Of($"layer{l}_bias", layer.Bias, layer.Outputs)), Rows(layer.Outputs)]);
        return graph.Node("ScatterElements", $"layer{l}_z", [biases, outputIndex, products],
                          Int("axis", 1), String("reduction", "add"));
    }

    /// <summary>z = x·W + b with W written dense (MatMul): for small networks, where it runs faster.</summary>
    public string Dense(string x, SparseLayer layer, int l)
    {
        if (layer.Positions > MaxDensePositions)
            throw new ArgumentException($"--onnx-dense: layer {l} is {layer.Inputs} × {layer.Outputs} = {layer.Positions} weights dense, "
                                        + $"more than the {MaxDensePositions} a dense layer may have; export it sparse");
        var dense = new float[layer.Positions];
        var pattern = layer.Pattern;
        for (int i = 0; i < layer.Inputs; i++)
            for (int k = pattern.Offsets[i]; k < pattern.Offsets[i + 1]; k++)
                dense[(long)i * layer.Outputs + pattern.Columns[k]] = layer.Weights[k];
        string product = graph.Node("MatMul", $"layer{l}_product",
            [x, graph.Add(OnnxTensor.Of($"layer{l}_dense_weights", dense, layer.Inputs, layer.Outputs))]);
        return graph.Node("Add", $"layer{l}_z", [product, graph.Add(OnnxTensor.Of($"layer{l}_bias", layer.Bias, layer.Outputs))]);
    }

    /// <summary>The layer's activation applied to <paramref name="z"/> (as <see cref="ActivationMath"/> and <see cref="SReluParameters"/> define them).</summary>
    public string Activate(string z, SparseLayer layer, int l)
    {
        var activation = layer.Activation;
        return activation.Kind switch
        {
            // z > 0 ? z : slope·z. LeakyRelu is x ≥ 0 ? x : α·x: the two agree at 0.
            ActivationKind.PiecewiseLinear when activation.Slope == 1f => z,
            ActivationKind.PiecewiseLinear when activation.Slope == 0f => graph.Node("Relu", $"layer{l}_relu", [z]),
            ActivationKind.PiecewiseLinear => graph.Node("LeakyRelu", $"layer{l}_leaky_relu", [z], Float("alpha", activation.Slope)),
            ActivationKind.Sigmoid => graph.Node("Sigmoid", $"layer{l}_sigmoid", [z]),
            ActivationKind.Tanh => graph.Node("Tanh", $"layer{l}_tanh", [z]),
            ActivationKind.Softmax => graph.Node("Softmax", $"layer{l}_softmax", [z], Int("axis", 1)),
            ActivationKind.SRelu => SRelu(z, layer, l),
            _ => throw new ArgumentException($"layer {l}: activation {activation} has no ONNX form"),
        };
    }

    /// <summary>z ≥ t_r: t_r + a_r·(z − t_r); else z ≤ t_l: t_l + a_l·(z − t_l); else z (the right piece tested first).</summary>
    string SRelu(string z, SparseLayer layer, int l)
    {
        var parameters = layer.ActivationParameters ?? throw new ArgumentException($"layer {l}: an SReLU layer without its parameters");
        int n = layer.Outputs;
        string Parameter(int p, string name) =>
            graph.Add(OnnxTensor.Of($"layer{l}_srelu_{name}", parameters.AsSpan(p * n, n).ToArray(), n));
        string tLeft = Parameter(SReluParameters.LeftThreshold, "t_left"), aLeft = Parameter(SReluParameters.LeftSlope, "a_left");
        string tRight = Parameter(SReluParameters.RightThreshold, "t_right"), aRight = Parameter(SReluParameters.RightSlope, "a_right");
        string Piece(string t, string a, string side) =>
            graph.Node("Add", $"layer{l}_srelu_{side}", [t, graph.Node("Mul", $"layer{l}_srelu_{side}_slope",
                [a, graph.Node("Sub", $"layer{l}_srelu_{side}_offset", [z, t])])]);
        string right = Piece(tRight, aRight, "right"), left = Piece(tLeft, aLeft, "left");
        string isRight = graph.Node("GreaterOrEqual", $"layer{l}_srelu_is_right", [z, tRight]);
        string isLeft = graph.Node("LessOrEqual", $"layer{l}_srelu_is_left", [z, tLeft]);
        string notRight = graph.Node("Where", $"layer{l}_srelu_not_right", [isLeft, left, z]);
        return graph.Node("Where", $"layer{l}_srelu", [isRight, right, notRight]);
    }

    /// <summary>The shape (samples, <paramref name="columns"/>): the batch is only known when the model runs.</summary>
    string Rows(long columns)
    {
        if (!_shapes.TryGetValue(columns, out string? shape))
            _shapes[columns] = shape = graph.Node("Concat", $"rows_of_{columns}",
                [batch, graph.Add(OnnxTensor.Of($"columns_{columns}", new[] { columns }, 1))], Int("axis", 0));
        return shape;
    }
}
