using SetGpu.Data;
using SetGpu.Model;

namespace SetGpu.Analysis;

/// <summary>
/// Neuron-attribution importance of the inputs of a trained network: the mean over samples of |∂y_c/∂x_j|, where y_c is
/// the sample's largest output (the predicted class; for an autoencoder its largest reconstruction). Computed on the
/// host from the CSR layers, one forward and one backward pass per sample, never densified.
/// </summary>
public static class InputAttribution
{
    /// <summary>
    /// The importance of every input of <paramref name="network"/>, averaged over the first <paramref name="maxSamples"/>
    /// samples of <paramref name="data"/>. SReLU layers are refused (their slope needs the neuron's learned parameters).
    /// </summary>
    public static float[] MeanAbsoluteGradient(SparseNetwork network, Dataset data, int maxSamples = 1000)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        var layers = network.Layers;
        if (layers.Any(l => l.Activation.Kind == ActivationKind.SRelu))
            throw new ArgumentException("attribution: SReLU layers are not supported");
        if (data.FeatureCount != layers[0].Inputs)
            throw new ArgumentException($"{data.Name}: {data.FeatureCount} features, but the network has {layers[0].Inputs} inputs");
        int samples = Math.Min(maxSamples, data.Samples);
        var importance = new double[layers[0].Inputs];
        for (int s = 0; s < samples; s++)
        {
            var gradient = Gradient(network, data.Sample(s));
            for (int j = 0; j < gradient.Length; j++) importance[j] += Math.Abs(gradient[j]);
        }
        return importance.Select(v => (float)(v / Math.Max(1, samples))).ToArray();
    }

    /// <summary>∂y_c/∂x for one sample x, c the largest output.</summary>
    public static double[] Gradient(SparseNetwork network, ReadOnlySpan<float> x)
    {
        var layers = network.Layers;
        var activations = new double[layers.Count + 1][];
        var pre = new double[layers.Count][];
        activations[0] = x.ToArray().Select(v => (double)v).ToArray();
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var z = layer.Bias.Select(b => (double)b).ToArray();
            var input = activations[l];
            for (int i = 0; i < layer.Inputs; i++)
                for (int k = layer.Pattern.Offsets[i]; k < layer.Pattern.Offsets[i + 1]; k++)
                    z[layer.Pattern.Columns[k]] += input[i] * layer.Weights[k];
            pre[l] = z;
            activations[l + 1] = layer.Activation.Kind == ActivationKind.Softmax ? Softmax(z) : z.Select(v => Apply(layer.Activation, v)).ToArray();
        }
        var y = activations[^1];
        int c = Array.IndexOf(y, y.Max());
        // δ at the output pre-activation for the scalar y_c.
        var delta = new double[y.Length];
        var output = layers[^1].Activation;
        if (output.Kind == ActivationKind.Softmax)
            for (int k = 0; k < y.Length; k++) delta[k] = y[c] * ((k == c ? 1 : 0) - y[k]);
        else delta[c] = Slope(output, pre[^1][c]);
        for (int l = layers.Count - 1; l >= 0; l--)
        {
            var layer = layers[l];
            var back = new double[layer.Inputs];
            for (int i = 0; i < layer.Inputs; i++)
                for (int k = layer.Pattern.Offsets[i]; k < layer.Pattern.Offsets[i + 1]; k++)
                    back[i] += layer.Weights[k] * delta[layer.Pattern.Columns[k]];
            if (l == 0) return back;
            var below = layers[l - 1].Activation;
            for (int i = 0; i < back.Length; i++) back[i] *= Slope(below, pre[l - 1][i]);
            delta = back;
        }
        throw new InvalidOperationException("a network has at least one layer");
    }

    static double Apply(LayerActivation a, double z) => a.Kind switch
    {
        ActivationKind.PiecewiseLinear => z > 0 ? z : a.Slope * z,
        ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-z)),
        ActivationKind.Tanh => Math.Tanh(z),
        _ => z,
    };

    static double Slope(LayerActivation a, double z) => a.Kind switch
    {
        ActivationKind.PiecewiseLinear => z > 0 ? 1 : a.Slope,
        ActivationKind.Sigmoid => Apply(a, z) * (1 - Apply(a, z)),
        ActivationKind.Tanh => 1 - Math.Tanh(z) * Math.Tanh(z),
        _ => 1,
    };

    static double[] Softmax(double[] z)
    {
        double max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}
