using SetGpu.Sparse;

namespace SetGpu.Model;

/// <summary>
/// One weight layer on the host: the n_in × n_out weight matrix W of the SET paper (W[i, j] connects input i to
/// output j) in CSR form, rows = input neurons, one weight and the optimiser's state values (S arrays: SGD's velocity,
/// Adam's two moments) per connection, dense biases with their state, and for a learned activation (SReLU) its
/// parameters with their state. Never a dense inputs × outputs array. Row order is what the backward pass and the
/// weight update sweep (each thread owns whole rows, so its writes are contiguous); the forward pass gathers each
/// output neuron's incoming connections through a column index built from this pattern.
/// </summary>
public sealed class SparseLayer
{
    /// <summary>Creates a layer with one optimiser state array (SGD's velocity, zero when not given); the arrays are taken, not copied.</summary>
    public SparseLayer(int inputs, int outputs, LayerActivation activation, WeightInit init,
                       CsrPattern pattern, float[] weights, float[]? weightVelocity = null,
                       float[]? bias = null, float[]? biasVelocity = null)
        : this(inputs, outputs, activation, init, pattern, weights, [weightVelocity ?? new float[weights.Length]],
               bias ?? new float[outputs], [biasVelocity ?? new float[outputs]])
    {
    }

    /// <summary>
    /// Creates a layer with <paramref name="weightState"/>.Length optimiser state arrays (at least one), and the
    /// activation's learned parameters (4 × outputs for SReLU, null for every other activation) with as many state
    /// arrays (zero when not given). The arrays are taken, not copied.
    /// </summary>
    public SparseLayer(int inputs, int outputs, LayerActivation activation, WeightInit init, CsrPattern pattern,
                       float[] weights, float[][] weightState, float[] bias, float[][] biasState,
                       float[]? activationParameters = null, float[][]? activationState = null)
    {
        Inputs = inputs;
        Outputs = outputs;
        Activation = activation;
        Init = init;
        Pattern = pattern;
        Weights = weights;
        WeightState = weightState;
        Bias = bias;
        BiasState = biasState;
        ActivationParameters = activationParameters;
        int parameters = ParameterCount(activation, outputs);
        ActivationState = activationState ?? weightState.Select(_ => new float[parameters]).ToArray();
        if (pattern.Rows != inputs || weights.Length != pattern.Count || bias.Length != outputs || weightState.Length < 1
            || weightState.Any(s => s.Length != pattern.Count) || biasState.Length != weightState.Length
            || biasState.Any(s => s.Length != outputs))
            throw new ArgumentException("layer arrays do not agree with its shape and pattern");
        if ((activationParameters?.Length ?? 0) != parameters || ActivationState.Length != weightState.Length
            || ActivationState.Any(s => s.Length != parameters))
            throw new ArgumentException($"a {activation} layer of {outputs} neurons has {parameters} activation parameters with their state");
    }

    /// <summary>The learned activation parameters a layer of <paramref name="outputs"/> neurons has: 4 per neuron for SReLU, else none.</summary>
    public static int ParameterCount(LayerActivation activation, int outputs) =>
        activation.Kind == ActivationKind.SRelu ? SReluParameters.Count * outputs : 0;

    /// <summary>Input neurons (rows).</summary>
    public int Inputs { get; }
    /// <summary>Output neurons (columns).</summary>
    public int Outputs { get; }
    /// <summary>The activation applied to this layer's output.</summary>
    public LayerActivation Activation { get; }
    /// <summary>How connections this layer regrows get their values (its initial ones were drawn by the specification's initialiser).</summary>
    public WeightInit Init { get; }
    /// <summary>Connection positions (rows = inputs, columns = outputs).</summary>
    public CsrPattern Pattern { get; private set; }
    /// <summary>Weight of each connection, aligned with <see cref="CsrPattern.Columns"/>.</summary>
    public float[] Weights { get; private set; }
    /// <summary>The optimiser's state per connection: <see cref="StateArrays"/> arrays aligned with <see cref="Weights"/>.</summary>
    public float[][] WeightState { get; private set; }
    /// <summary>The first state array of each connection: SGD's momentum, Adam's first moment.</summary>
    public float[] WeightVelocity => WeightState[0];
    /// <summary>Bias of each output neuron.</summary>
    public float[] Bias { get; }
    /// <summary>The optimiser's state per bias (<see cref="StateArrays"/> arrays).</summary>
    public float[][] BiasState { get; }
    /// <summary>The first state array of each bias: SGD's momentum, Adam's first moment.</summary>
    public float[] BiasVelocity => BiasState[0];
    /// <summary>
    /// The activation's learned parameters (SReLU: 4 × outputs, planar, see <see cref="SReluParameters"/>), or null when
    /// the activation has none.
    /// </summary>
    public float[]? ActivationParameters { get; }
    /// <summary>The optimiser's state per activation parameter (<see cref="StateArrays"/> arrays, empty without parameters).</summary>
    public float[][] ActivationState { get; }

    /// <summary>State values the optimiser keeps per parameter (1 for SGD, 2 for Adam).</summary>
    public int StateArrays => WeightState.Length;
    /// <summary>Number of connections.</summary>
    public int Connections => Pattern.Count;
    /// <summary>Inputs × outputs: positions the layer could hold.</summary>
    public long Positions => (long)Inputs * Outputs;
    /// <summary>Connections / positions.</summary>
    public double Density => Connections / (double)Positions;
    /// <summary>Whether every position is connected.</summary>
    public bool IsDense => Connections == Positions;

    /// <summary>Replaces the topology after an evolution step, with every state array (arrays taken, not copied).</summary>
    public void ReplaceConnections(CsrPattern pattern, float[] weights, float[][] weightState)
    {
        if (pattern.Rows != Inputs || weights.Length != pattern.Count || weightState.Length != StateArrays
            || weightState.Any(s => s.Length != pattern.Count))
            throw new ArgumentException("new connections do not agree with the layer shape");
        Pattern = pattern;
        Weights = weights;
        WeightState = weightState;
    }

    /// <summary>
    /// Replaces one value array of the same length during an in-place evolution step (index −1: the weights, else that
    /// optimiser state array); the pattern follows with <see cref="ReplaceConnections"/>.
    /// </summary>
    internal void ReplaceValues(int index, float[] values)
    {
        if (values.Length != Connections) throw new ArgumentException($"{values.Length} values for {Connections} connections");
        if (index < 0) Weights = values;
        else
        {
            var state = (float[][])WeightState.Clone(); // whoever holds the old set of arrays keeps it whole
            state[index] = values;
            WeightState = state;
        }
    }

    /// <summary>Checks CSR invariants and that every value is finite.</summary>
    public void Validate(string what = "layer")
    {
        Pattern.Validate(Outputs, what);
        for (int k = 0; k < Weights.Length; k++)
            if (!float.IsFinite(Weights[k])) throw new InvalidDataException($"{what}: weight {k} is {Weights[k]}");
        if (ActivationParameters is { } parameters)
            for (int k = 0; k < parameters.Length; k++)
                if (!float.IsFinite(parameters[k])) throw new InvalidDataException($"{what}: activation parameter {k} is {parameters[k]}");
    }

    /// <summary>A deep copy.</summary>
    public SparseLayer Clone() => new(Inputs, Outputs, Activation, Init,
        new CsrPattern((int[])Pattern.Offsets.Clone(), (int[])Pattern.Columns.Clone()),
        (float[])Weights.Clone(), Copy(WeightState), (float[])Bias.Clone(), Copy(BiasState),
        (float[]?)ActivationParameters?.Clone(), Copy(ActivationState));

    static float[][] Copy(float[][] arrays) => arrays.Select(a => (float[])a.Clone()).ToArray();
}
