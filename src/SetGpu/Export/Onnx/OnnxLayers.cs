using SetGpu.Model;
using static SetGpu.Export.Onnx.OnnxGraph;

namespace SetGpu.Export.Onnx;

/// <summary>
/// The nodes of one network in an <see cref="OnnxGraph"/>: the input standardisation, each weight layer (sparse or dense)
/// with its bias, and each activation, computing what the CPU engine computes for a row of samples (up to the order of
/// float additions).
/// </summary>
/// <remarks>
/// The dense form carries samples × neurons between layers (row-major), the sparse form neurons × samples
/// (<paramref name="featureMajor"/>), so that gathering a neuron's value for every sample copies one contiguous row
/// and each connection's products are added into one contiguous row. Per-neuron values (biases, SReLU parameters)
/// take the shape that broadcasts over the samples of either.
/// </remarks>
internal sealed class OnnxLayers(OnnxGraph graph, bool featureMajor)
{
    /// <summary>Largest dense layer <c>--onnx-dense</c> writes: 2^28 weights (1 GiB of floats).</summary>
    public const long MaxDensePositions = 1L << 28;


    /// <summary>x = (raw − mean) · (1 / std), per feature, as <see cref="Data.Standardizer.Transform"/> computes it.</summary>
    public string Standardise(string input, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        var inverse = std.Select(s => 1f / s).ToArray();
        string centred = graph.Node("Sub", "centred", [input, graph.Add(OnnxTensor.Of("input_mean", mean.ToArray(), mean.Count))]);
        return graph.Node("Mul", "standardised", [centred, graph.Add(OnnxTensor.Of("input_inverse_std", inverse, inverse.Length))]);
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
        return graph.Node("Add", $"layer{l}_z", [product, PerNeuron($"layer{l}_bias", layer.Bias)]);
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
            ActivationKind.Softmax => graph.Node("Softmax", $"layer{l}_softmax", [z], Int("axis", featureMajor ? 0 : 1)),
            ActivationKind.SRelu => SRelu(z, layer, l),
            _ => throw new ArgumentException($"layer {l}: activation {activation} has no ONNX form"),
        };
    }

    /// <summary>z ≥ t_r: t_r + a_r·(z − t_r); else z ≤ t_l: t_l + a_l·(z − t_l); else z (the right piece tested first).</summary>
    string SRelu(string z, SparseLayer layer, int l)
    {
        var parameters = layer.ActivationParameters ?? throw new ArgumentException($"layer {l}: an SReLU layer without its parameters");
        int n = layer.Outputs;
        string Parameter(int p, string name) => PerNeuron($"layer{l}_srelu_{name}", parameters.AsSpan(p * n, n).ToArray());
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

    /// <summary>
    /// z = x·W + b with W sparse, feature-major (x: inputs × samples), per group of outputs of similar in-degree
    /// (<see cref="DegreeBuckets"/>): the input rows of each output's connections gathered (<c>Gather</c>: group
    /// outputs × width × samples), each output's weights times its rows summed in one batched product (<c>MatMul</c>
    /// of outputs × 1 × width by outputs × width × samples); the groups stacked (<c>Concat</c>) and put back in the
    /// neurons' order (<c>Gather</c>). Memory and work grow with the connections.
    /// </summary>
    public string Sparse(string x, SparseLayer layer, int l)
    {
        var buckets = DegreeBuckets.Of(layer);
        var sums = new string[buckets.Outputs.Length];
        for (int g = 0; g < sums.Length; g++)
        {
            int rows = buckets.Outputs[g].Length, width = buckets.Width[g];
            string gathered = graph.Node("Gather", $"layer{l}_group{g}_inputs",
                [x, graph.Add(OnnxTensor.Of($"layer{l}_group{g}_connection_input", buckets.Inputs[g], rows, width))], Int("axis", 0));
            // (rows × 1 × width)·(rows × width × samples): each output's weights times its inputs, summed, in one batched product.
            string products = graph.Node("MatMul", $"layer{l}_group{g}_products",
                [graph.Add(OnnxTensor.Of($"layer{l}_group{g}_weights", buckets.Weights[g], rows, 1, width)), gathered]);
            sums[g] = graph.Node("Squeeze", $"layer{l}_group{g}_sums", [products, Axis1]);
        }
        string stacked = sums.Length == 1 ? sums[0] : graph.Node("Concat", $"layer{l}_groups", sums, Int("axis", 0));
        var rowOf = buckets.RowOfOutput();
        string ordered = graph.Node("Gather", $"layer{l}_sums",
            [stacked, graph.Add(OnnxTensor.Of($"layer{l}_row_of_output", rowOf, rowOf.Length))], Int("axis", 0));
        return graph.Node("Add", $"layer{l}_z", [ordered, PerNeuron($"layer{l}_bias", layer.Bias)]);
    }

    string Axis1 => _axis1 ??= graph.Add(OnnxTensor.Of("axis_1", new long[] { 1 }, 1));
    string? _axis1;

    /// <summary>One value per neuron, shaped to broadcast over the samples of the layout.</summary>
    string PerNeuron(string name, float[] values) =>
        graph.Add(featureMajor ? OnnxTensor.Of(name, values, values.Length, 1) : OnnxTensor.Of(name, values, values.Length));
}
