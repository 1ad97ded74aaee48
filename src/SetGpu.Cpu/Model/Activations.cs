namespace SetGpu.Model;

/// <summary>
/// What an engine computes for one layer. ReLU, leaky ReLU, All-ReLU and the identity are one kind: piecewise
/// linear with slope 1 for z &gt; 0 and <see cref="LayerActivation.Slope"/> below.
/// </summary>
public enum ActivationKind
{
    /// <summary>z &gt; 0 ? z : slope·z.</summary>
    PiecewiseLinear,
    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Softmax over the layer (output layer only).</summary>
    Softmax,
    /// <summary>S-shaped ReLU with learned per-neuron thresholds and slopes (<see cref="SReluParameters"/>; hidden layers only).</summary>
    SRelu,
}

/// <summary>A layer's activation as engines see it.</summary>
/// <param name="Kind">The function.</param>
/// <param name="Slope">Slope for z ≤ 0 of <see cref="ActivationKind.PiecewiseLinear"/>.</param>
public readonly record struct LayerActivation(ActivationKind Kind, float Slope = 0f)
{
    /// <summary>Human-readable name, for summaries.</summary>
    public override string ToString() => Kind switch
    {
        ActivationKind.PiecewiseLinear when Slope == 0f => "relu",
        ActivationKind.PiecewiseLinear when Slope == 1f => "linear",
        ActivationKind.PiecewiseLinear => $"piecewise-linear(slope {Slope:0.###})",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
