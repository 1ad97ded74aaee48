using SetGpu.Model;

namespace SetGpu.Analysis;

/// <summary>
/// Neuron strength (QuickSelection, Atashgahi et al. 2022): the importance of an input neuron is the sum of the
/// magnitudes of its existing outgoing connections. On the CSR layout (rows = input neurons) it is a row sum over
/// the stored weights only.
/// </summary>
public static class NeuronStrength
{
    /// <summary>Σ_j |W[i, j]| over the connections of every input neuron i of <paramref name="layer"/>.</summary>
    public static float[] OfInputs(SparseLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var offsets = layer.Pattern.Offsets;
        var strength = new float[layer.Inputs];
        for (int i = 0; i < layer.Inputs; i++)
        {
            double sum = 0;
            for (long k = offsets[i]; k < offsets[i + 1]; k++) sum += Math.Abs(layer.Weights[k]);
            strength[i] = (float)sum;
        }
        return strength;
    }
}
