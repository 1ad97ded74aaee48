using SetGpu.Model;

namespace SetGpu.Evolution.Wast;

/// <summary>
/// WAST's running importance of the input and the output neurons of a one-hidden-layer autoencoder, O(neurons) memory.
/// Each batch adds, per input neuron j, λ · e_j / ē + (1 − λ) · s_j / s̄: e_j the mean over the batch of |x_j − y_j| (the
/// clean input against its reconstruction), s_j = Σ |w| over j's connections in the first layer, ē and s̄ their means over
/// the neurons; and per output neuron k the same with the error of output k and Σ |w| over k's connections in the last
/// layer. WAST blends the raw terms; relative to their means, λ weighs quantities of one scale, and a neuron's strength,
/// which grows with its connection count, cannot swamp the error once the growth has favoured it (docs/feature-selection.md).
/// Every hidden neuron counts 1 (WAST's setting).
/// </summary>
public sealed class NeuronImportance
{
    readonly double[] _inputs, _outputs;
    readonly double[] _error;

    /// <summary>Zero importance for <paramref name="inputs"/> input and <paramref name="outputs"/> output neurons.</summary>
    public NeuronImportance(int inputs, int outputs)
    {
        _inputs = new double[inputs];
        _outputs = new double[outputs];
        _error = new double[Math.Max(inputs, outputs)];
    }

    /// <summary>1 / the mean of <paramref name="values"/> (1 when they are all 0): each term enters the blend relative to its mean.</summary>
    static double Scale(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum > 0 ? values.Length / sum : 1;
    }

    /// <summary>Batches added so far.</summary>
    public long Batches { get; private set; }

    /// <summary>The importance of every input neuron now.</summary>
    public float[] Inputs => _inputs.Select(v => (float)v).ToArray();

    /// <summary>The importance of every output neuron now.</summary>
    public float[] Outputs => _outputs.Select(v => (float)v).ToArray();

    /// <summary>
    /// Adds one batch. <paramref name="clean"/> and <paramref name="reconstruction"/> are feature-major blocks
    /// (feature × <paramref name="batch"/>); <paramref name="first"/> and <paramref name="last"/> the autoencoder's two layers.
    /// </summary>
    public void Add(float[] clean, float[] reconstruction, int batch, SparseLayer first, SparseLayer last, double lambda)
    {
        int features = first.Inputs;
        if (last.Outputs != features) throw new ArgumentException($"an autoencoder reconstructs its {features} inputs, not {last.Outputs}");
        for (int j = 0; j < features; j++)
        {
            double sum = 0;
            for (int b = 0; b < batch; b++) sum += Math.Abs(clean[j * batch + b] - reconstruction[j * batch + b]);
            _error[j] = sum / batch;
        }
        // Input j: its row of the first layer.
        var offsets = first.Pattern.Offsets;
        var weights = first.Weights;
        var rowStrength = new double[features];
        for (int j = 0; j < features; j++)
        {
            double strength = 0;
            for (int k = offsets[j]; k < offsets[j + 1]; k++) strength += Math.Abs(weights[k]);
            rowStrength[j] = strength;
        }
        // Output k: its column of the last layer, summed by one pass over the stored connections (rows ascending).
        var columns = last.Pattern.Columns;
        var lastWeights = last.Weights;
        var columnStrength = new double[features];
        for (int k = 0; k < columns.Length; k++) columnStrength[columns[k]] += Math.Abs(lastWeights[k]);
        AddTerms(_error.AsSpan(0, features), rowStrength, columnStrength, lambda);
    }

    /// <summary>
    /// Adds one batch from its three terms per feature, computed elsewhere in the order <see cref="Add"/> sums them (the
    /// ILGPU engine's kernel): the mean error, the first layer's row strength, the last layer's column strength.
    /// </summary>
    public void AddTerms(ReadOnlySpan<double> error, ReadOnlySpan<double> rowStrength, ReadOnlySpan<double> columnStrength, double lambda)
    {
        int features = _inputs.Length;
        if (error.Length != features || rowStrength.Length != features || columnStrength.Length != features)
            throw new ArgumentException($"{features} terms of each kind expected, got {error.Length}, {rowStrength.Length} and {columnStrength.Length}");
        double errorScale = Scale(error), rowScale = Scale(rowStrength), columnScale = Scale(columnStrength);
        for (int j = 0; j < features; j++)
        {
            _inputs[j] += lambda * error[j] * errorScale + (1 - lambda) * rowStrength[j] * rowScale;
            _outputs[j] += lambda * error[j] * errorScale + (1 - lambda) * columnStrength[j] * columnScale;
        }
        Batches++;
    }
}
