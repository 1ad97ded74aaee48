using Onnx;
using SetGpu.Data;
using SetGpu.Export.Onnx;
using SetGpu.Model;

namespace SetGpu.Export;

/// <summary>How an ONNX export writes each weight layer.</summary>
public enum OnnxLayerForm
{
    /// <summary>
    /// Truly sparse, with standard operators only, neurons × samples between layers: per group of output neurons of
    /// similar in-degree, <c>Gather</c> the input rows of their connections and multiply them by the weights and sum
    /// them in one batched <c>MatMul</c> (outputs × 1 × connections by outputs × connections × samples). Memory and
    /// time grow with the connections (padding adds at most a quarter, or one per neuron).
    /// </summary>
    Sparse,
    /// <summary>
    /// A dense weight matrix and <c>MatMul</c>: faster for small networks, but inputs × outputs weights per layer
    /// (refused above <see cref="OnnxExport.MaxDenseWeights"/>).
    /// </summary>
    Dense,
}

/// <summary>
/// Writes a trained SET-MLP as an ONNX model (opset 18, IR 8) that ONNX Runtime and any ONNX runtime run on raw
/// samples: input <c>input</c> (batch × features, float, the batch left open), output <c>output</c> (batch × outputs:
/// softmax probabilities, sigmoids or linear values, what <c>SetMlp.Predict</c> gives, to float rounding), with the
/// input standardisation, every layer, bias and activation (SReLU included) in the graph. By default each layer stays sparse
/// (<see cref="OnnxLayerForm.Sparse"/>): nothing is expanded to a dense matrix, in the file or in the runtime.
/// <code>
/// OnnxExport.Write(model.Export(), "coil20.onnx", scaling);
/// // C#: new InferenceSession("coil20.onnx").Run(...); Python: onnxruntime.InferenceSession("coil20.onnx").run(None, {"input": x})
/// </code>
/// </summary>
public static class OnnxExport
{
    /// <summary>Name of the model's input: raw samples, batch × features.</summary>
    public const string InputName = "input";
    /// <summary>Name of the model's output: batch × outputs.</summary>
    public const string OutputName = "output";
    /// <summary>The ONNX operator set the model uses (18).</summary>
    public const int OpsetVersion = 18;
    /// <summary>Largest layer the dense form writes.</summary>
    public const long MaxDenseWeights = OnnxLayers.MaxDensePositions;

    /// <summary>
    /// Writes <paramref name="network"/> to <paramref name="path"/> (usually <c>.onnx</c>), with the standardisation its
    /// inputs need when the run standardised its data; returns the files written: the model, and beside it
    /// <c>PATH.data</c> when the weights pass 1 GiB (protobuf caps a file at 2 GB).
    /// </summary>
    public static IReadOnlyList<string> Write(SparseNetwork network, string path, Standardizer? scaling = null,
                                              OnnxLayerForm form = OnnxLayerForm.Sparse) =>
        Write(network, path, scaling, form, OnnxModelFile.DefaultInlineLimit);

    /// <summary><see cref="Write(SparseNetwork, string, Standardizer?, OnnxLayerForm)"/> with the inline limit chosen (tests write external data with it).</summary>
    internal static IReadOnlyList<string> Write(SparseNetwork network, string path, Standardizer? scaling, OnnxLayerForm form, long inlineLimit)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        int inputs = network.Spec.LayerSizes[0], outputs = network.Spec.LayerSizes[^1];
        if (scaling is not null && scaling.Mean.Count != inputs)
            throw new ArgumentException($"{path}: the standardisation has {scaling.Mean.Count} features, but the network takes {inputs}");
        if (!Enum.IsDefined(form)) throw new ArgumentException($"{path}: unknown ONNX layer form {form}");

        var graph = new OnnxGraph();
        graph.Name(InputName);
        graph.Name(OutputName);
        bool featureMajor = form == OnnxLayerForm.Sparse;
        var layers = new OnnxLayers(graph, featureMajor);
        string x = scaling is null ? InputName : layers.Standardise(InputName, scaling.Mean, scaling.Std);
        if (featureMajor) x = graph.Node("Transpose", "features_by_samples", [x], OnnxGraph.Ints("perm", 1, 0));
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            string z = featureMajor ? layers.Sparse(x, layer, l) : layers.Dense(x, layer, l);
            x = layers.Activate(z, layer, l);
        }
        if (featureMajor) x = graph.Node("Transpose", "samples_by_outputs", [x], OnnxGraph.Ints("perm", 1, 0));
        var output = new NodeProto { OpType = "Identity", Name = OutputName };
        output.Input.Add(x);
        output.Output.Add(OutputName);
        graph.Nodes.Add(output);

        var proto = new GraphProto { Name = "SetGpu SET-MLP " + string.Join('-', network.Spec.LayerSizes) };
        proto.Node.AddRange(graph.Nodes);
        proto.Input.Add(OnnxModelFile.Rows(InputName, inputs));
        proto.Output.Add(OnnxModelFile.Rows(OutputName, outputs));
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "SetGpu",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "",
            Graph = proto,
            DocString = $"SET-MLP {string.Join('-', network.Spec.LayerSizes)}, {network.Connections} connections, {form.ToString().ToLowerInvariant()} layers; "
                        + $"input: raw samples{(scaling is null ? "" : ", standardised in the graph")}; output: {network.Layers[^1].Activation}",
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        Metadata(model, "layer_sizes", string.Join(',', network.Spec.LayerSizes));
        Metadata(model, "activations", string.Join(',', network.Layers.Select(l => l.Activation.ToString())));
        Metadata(model, "connections", string.Join(',', network.Layers.Select(l => l.Connections)));
        Metadata(model, "layer_form", form.ToString().ToLowerInvariant());
        return OnnxModelFile.Write(model, graph.Initializers, path, inlineLimit);
    }

    static void Metadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
}
