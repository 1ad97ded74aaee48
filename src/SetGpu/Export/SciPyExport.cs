using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using SetGpu.Model;

namespace SetGpu.Export;

/// <summary>
/// Writes a network for Python users: each layer's weights as a SciPy sparse CSR matrix in <c>.npz</c> form (exactly what
/// <c>scipy.sparse.save_npz</c> writes: a zip of <c>indices.npy</c>, <c>indptr.npy</c>, <c>format.npy</c>,
/// <c>shape.npy</c> and <c>data.npy</c>, deflated), each layer's biases as <c>.npy</c>, an SReLU layer's parameters as a
/// (4, n_out) <c>.npy</c> (rows t_left, a_left, t_right, a_right; see <see cref="SReluParameters"/>), the input standardisation
/// (<c>input_mean.npy</c>, <c>input_std.npy</c>) when there is one, and <c>network.json</c> with the layer sizes and
/// activations. The matrix of layer l has shape (n_in, n_out), rows = input neurons, as SetGpu stores it:
/// the layer computes <c>activation(x @ W + b)</c> for a row of samples <c>x</c>. Nothing dense is written.
/// <code>
/// import numpy as np, scipy.sparse as sp
/// W0 = sp.load_npz("layer0_weights.npz"); b0 = np.load("layer0_bias.npy")
/// </code>
/// </summary>
public static class SciPyExport
{
    /// <summary>File name of layer <paramref name="layer"/>'s weight matrix.</summary>
    public static string WeightsFile(int layer) => $"layer{layer}_weights.npz";
    /// <summary>File name of layer <paramref name="layer"/>'s biases.</summary>
    public static string BiasFile(int layer) => $"layer{layer}_bias.npy";
    /// <summary>File name of an SReLU layer's parameters: shape (4, n_out), rows t_left, a_left, t_right, a_right.</summary>
    public static string SReluFile(int layer) => $"layer{layer}_srelu.npy";
    /// <summary>File name of the description of the network.</summary>
    public const string DescriptionFile = "network.json";

    /// <summary>File names of the standardisation the inputs need: x = (raw − mean) / std, per feature.</summary>
    public const string InputMeanFile = "input_mean.npy", InputStdFile = "input_std.npy";

    /// <summary>
    /// Writes every layer of <paramref name="network"/> into <paramref name="directory"/> (created if needed), and the
    /// standardisation the network's inputs need when the run standardised its data; returns the paths written.
    /// </summary>
    public static IReadOnlyList<string> Write(SparseNetwork network, string directory, Data.Standardizer? scaling = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            string weights = Path.Combine(directory, WeightsFile(l));
            WriteCsr(weights, layer);
            written.Add(weights);
            string bias = Path.Combine(directory, BiasFile(l));
            using (var file = File.Create(bias)) Npy.Write(file, layer.Bias);
            written.Add(bias);
            if (layer.ActivationParameters is { } parameters)
            {
                string srelu = Path.Combine(directory, SReluFile(l));
                using (var file = File.Create(srelu))
                    Npy.Write(file, "<f4", [SReluParameters.Count, layer.Outputs], MemoryMarshal.AsBytes(parameters.AsSpan()));
                written.Add(srelu);
            }
        }
        if (scaling is not null)
        {
            foreach (var (name, values) in new[] { (InputMeanFile, scaling.Mean), (InputStdFile, scaling.Std) })
            {
                string file = Path.Combine(directory, name);
                using (var stream = File.Create(file)) Npy.Write(stream, values.ToArray());
                written.Add(file);
            }
        }
        string description = Path.Combine(directory, DescriptionFile);
        File.WriteAllText(description, JsonSerializer.Serialize(new
        {
            layerSizes = network.Spec.LayerSizes,
            activations = network.Layers.Select(l => l.Activation.ToString()).ToArray(),
            loss = network.Spec.Loss.ToString(),
            connections = network.Layers.Select(l => l.Connections).ToArray(),
            weights = Enumerable.Range(0, network.Layers.Count).Select(WeightsFile).ToArray(),
            biases = Enumerable.Range(0, network.Layers.Count).Select(BiasFile).ToArray(),
            // Per layer the file of its SReLU parameters, null for a layer whose activation has none.
            srelu = network.Layers.Select((layer, l) => layer.ActivationParameters is null ? null : SReluFile(l)).ToArray(),
            standardization = scaling is null ? null : new[] { InputMeanFile, InputStdFile },
            convention = "layer l: y = activation(x @ W + b), W of shape (n_in, n_out), rows = input neurons; srelu (per neuron j, "
                         + "t_l, a_l, t_r, a_r = P[:, j]): z >= t_r: t_r + a_r*(z - t_r); z <= t_l: t_l + a_l*(z - t_l); else z"
                         + (scaling is null ? "" : "; network input x = (raw - input_mean) / input_std"),
        }, new JsonSerializerOptions { WriteIndented = true }));
        written.Add(description);
        return written;
    }

    /// <summary>One layer's weights as save_npz writes a csr_matrix: entries in its order (indices, indptr, format, shape, data).</summary>
    public static void WriteCsr(string path, SparseLayer layer)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        void Entry(string name, Action<Stream> write)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
            write(stream);
        }
        Entry("indices.npy", s => Npy.Write(s, layer.Pattern.Columns));
        Entry("indptr.npy", s => Npy.Write(s, layer.Pattern.Offsets));
        Entry("format.npy", s => Npy.WriteByteString(s, "csr"));
        Entry("shape.npy", s => Npy.Write(s, new long[] { layer.Inputs, layer.Outputs }));
        Entry("data.npy", s => Npy.Write(s, layer.Weights));
    }
}
