namespace SetGpu.Model;

/// <summary>The architecture of a SET multilayer perceptron and the parameters of its evolution.</summary>
public sealed record SetMlpOptions
{
    /// <summary>Neurons per layer, input first, output last (at least two entries).</summary>
    public required int[] LayerSizes { get; init; }
    /// <summary>Activation of every hidden layer.</summary>
    public HiddenActivation HiddenActivation { get; init; } = HiddenActivation.Relu;
    /// <summary>Negative slope of leaky ReLU.</summary>
    public float LeakySlope { get; init; } = 0.01f;
    /// <summary>α of All-ReLU: the negative slope alternates −α, +α, −α, … over hidden layers.</summary>
    public float AllReluSlope { get; init; } = 0.75f;
    /// <summary>Activation of the output layer.</summary>
    public OutputActivation OutputActivation { get; init; } = OutputActivation.Softmax;
    /// <summary>Training loss.</summary>
    public LossKind Loss { get; init; } = LossKind.CrossEntropy;
    /// <summary>ε: a layer of n_in × n_out gets ε·(n_in + n_out) connections (capped at n_in·n_out).</summary>
    public double Epsilon { get; init; } = 20;
    /// <summary>ζ: the fraction of negative and of positive weights removed (and regrown) by each evolution step.</summary>
    public double Zeta { get; init; } = 0.3;
    /// <summary>SET (evolving), static sparse or dense.</summary>
    public TopologyKind Topology { get; init; } = TopologyKind.Set;
    /// <summary>Evolve after every this many epochs (never after the last epoch).</summary>
    public int EvolutionInterval { get; init; } = 1;
    /// <summary>Whether the output layer evolves too.</summary>
    public bool EvolveOutputLayer { get; init; } = true;
    /// <summary>How new connection values are drawn.</summary>
    public WeightInitKind WeightInit { get; init; } = WeightInitKind.HeUniform;

    /// <summary>Number of weight layers.</summary>
    public int LayerCount => LayerSizes.Length - 1;

    /// <summary>Refuses options that cannot train, with a message naming the option and its value.</summary>
    public void Validate()
    {
        if (LayerSizes is null || LayerSizes.Length < 2)
            throw new ArgumentException("layer sizes: need at least an input and an output layer");
        for (int i = 0; i < LayerSizes.Length; i++)
            if (LayerSizes[i] <= 0)
                throw new ArgumentException($"layer sizes: layer {i} has {LayerSizes[i]} neurons; every layer needs at least one");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon))
            throw new ArgumentException($"epsilon must be a positive number, got {Epsilon}");
        if (!(Zeta >= 0 && Zeta < 1))
            throw new ArgumentException($"zeta must lie in [0, 1), got {Zeta}");
        if (EvolutionInterval < 1)
            throw new ArgumentException($"evolution interval must be at least 1, got {EvolutionInterval}");
        if (Loss == LossKind.CrossEntropy && OutputActivation == OutputActivation.Linear)
            throw new ArgumentException("cross-entropy loss needs a softmax or sigmoid output, not linear");
        if (Loss == LossKind.MseReference && OutputActivation != OutputActivation.Sigmoid)
            throw new ArgumentException($"the reference MSE (mse-reference) needs a sigmoid output, not {OutputActivation}");
        if (!float.IsFinite(LeakySlope) || !float.IsFinite(AllReluSlope))
            throw new ArgumentException("activation slopes must be finite");
    }

    /// <summary>The activation engines apply in weight layer <paramref name="layer"/> (0-based).</summary>
    public LayerActivation ActivationOf(int layer)
    {
        if (layer == LayerCount - 1)
            return OutputActivation switch
            {
                OutputActivation.Sigmoid => new(ActivationKind.Sigmoid),
                OutputActivation.Softmax => new(ActivationKind.Softmax),
                _ => new(ActivationKind.PiecewiseLinear, 1f),
            };
        return HiddenActivation switch
        {
            HiddenActivation.Relu => new(ActivationKind.PiecewiseLinear, 0f),
            HiddenActivation.LeakyRelu => new(ActivationKind.PiecewiseLinear, LeakySlope),
            HiddenActivation.AllRelu => new(ActivationKind.PiecewiseLinear, layer % 2 == 0 ? -AllReluSlope : AllReluSlope),
            HiddenActivation.Sigmoid => new(ActivationKind.Sigmoid),
            _ => new(ActivationKind.Tanh),
        };
    }

    /// <summary>Connections of weight layer <paramref name="layer"/> at initialisation.</summary>
    public long InitialConnections(int layer)
    {
        long inputs = LayerSizes[layer], outputs = LayerSizes[layer + 1];
        long full = inputs * outputs;
        if (Topology == TopologyKind.Dense) return full;
        return Math.Min(full, (long)(Epsilon * (inputs + outputs)));
    }

    /// <summary>Whether weight layer <paramref name="layer"/> evolves.</summary>
    public bool Evolves(int layer) => Topology == TopologyKind.Set && (EvolveOutputLayer || layer < LayerCount - 1);
}
