using SetGpu.Sparse;

namespace SetGpu.Model;

/// <summary>
/// One weight layer on the host: the n_in × n_out weight matrix W of the SET paper (W[i, j] connects input i to
/// output j) in CSR form, rows = input neurons, one weight and one momentum value per connection, dense biases.
/// Never a dense inputs × outputs array. Row order is what the backward pass and the weight update sweep (each
/// thread owns whole rows, so its writes are contiguous); the forward pass gathers each output neuron's incoming
/// connections through a column index built from this pattern.
/// </summary>
public sealed class SparseLayer
{
    /// <summary>Creates a layer; the arrays are taken, not copied.</summary>
    public SparseLayer(int inputs, int outputs, LayerActivation activation, WeightInit init,
                       CsrPattern pattern, float[] weights, float[]? weightVelocity = null,
                       float[]? bias = null, float[]? biasVelocity = null)
    {
        Inputs = inputs;
        Outputs = outputs;
        Activation = activation;
        Init = init;
        Pattern = pattern;
        Weights = weights;
        WeightVelocity = weightVelocity ?? new float[weights.Length];
        Bias = bias ?? new float[outputs];
        BiasVelocity = biasVelocity ?? new float[outputs];
        if (pattern.Rows != inputs || weights.Length != pattern.Count || WeightVelocity.Length != pattern.Count
            || Bias.Length != outputs || BiasVelocity.Length != outputs)
            throw new ArgumentException("layer arrays do not agree with its shape and pattern");
    }

    /// <summary>Input neurons (rows).</summary>
    public int Inputs { get; }
    /// <summary>Output neurons (columns).</summary>
    public int Outputs { get; }
    /// <summary>The activation applied to this layer's output.</summary>
    public LayerActivation Activation { get; }
    /// <summary>How new connections of this layer get their values.</summary>
    public WeightInit Init { get; }
    /// <summary>Connection positions (rows = inputs, columns = outputs).</summary>
    public CsrPattern Pattern { get; private set; }
    /// <summary>Weight of each connection, aligned with <see cref="CsrPattern.Columns"/>.</summary>
    public float[] Weights { get; private set; }
    /// <summary>Momentum of each connection.</summary>
    public float[] WeightVelocity { get; private set; }
    /// <summary>Bias of each output neuron.</summary>
    public float[] Bias { get; }
    /// <summary>Momentum of each bias.</summary>
    public float[] BiasVelocity { get; }

    /// <summary>Number of connections.</summary>
    public int Connections => Pattern.Count;
    /// <summary>Inputs × outputs: positions the layer could hold.</summary>
    public long Positions => (long)Inputs * Outputs;
    /// <summary>Connections / positions.</summary>
    public double Density => Connections / (double)Positions;
    /// <summary>Whether every position is connected.</summary>
    public bool IsDense => Connections == Positions;

    /// <summary>Replaces the topology after an evolution step (arrays taken, not copied).</summary>
    public void ReplaceConnections(CsrPattern pattern, float[] weights, float[] weightVelocity)
    {
        if (pattern.Rows != Inputs || weights.Length != pattern.Count || weightVelocity.Length != pattern.Count)
            throw new ArgumentException("new connections do not agree with the layer shape");
        Pattern = pattern;
        Weights = weights;
        WeightVelocity = weightVelocity;
    }

    /// <summary>Checks CSR invariants and that every value is finite.</summary>
    public void Validate(string what = "layer")
    {
        Pattern.Validate(Outputs, what);
        for (int k = 0; k < Weights.Length; k++)
            if (!float.IsFinite(Weights[k])) throw new InvalidDataException($"{what}: weight {k} is {Weights[k]}");
    }

    /// <summary>A deep copy.</summary>
    public SparseLayer Clone() => new(Inputs, Outputs, Activation, Init,
        new CsrPattern((int[])Pattern.Offsets.Clone(), (int[])Pattern.Columns.Clone()),
        (float[])Weights.Clone(), (float[])WeightVelocity.Clone(), (float[])Bias.Clone(), (float[])BiasVelocity.Clone());
}
