namespace SetGpu.Model;

/// <summary>Activation of the hidden layers.</summary>
public enum HiddenActivation
{
    /// <summary>max(0, z).</summary>
    Relu,
    /// <summary>z for z &gt; 0, else slope·z (slope 0.01 by default).</summary>
    LeakyRelu,
    /// <summary>
    /// All-ReLU (Curci, Mocanu and Pechenizkiy 2021): z for z &gt; 0, else ±α·z with the sign of the slope
    /// alternating from one hidden layer to the next (−α on the first).
    /// </summary>
    AllRelu,
    /// <summary>1 / (1 + e^−z).</summary>
    Sigmoid,
    /// <summary>tanh z.</summary>
    Tanh,
}

/// <summary>Activation of the output layer.</summary>
public enum OutputActivation
{
    /// <summary>Independent sigmoids (with MSE as the SET reference does, or binary cross-entropy).</summary>
    Sigmoid,
    /// <summary>Softmax over the output neurons.</summary>
    Softmax,
    /// <summary>Identity (regression-style outputs; MSE only).</summary>
    Linear,
}

/// <summary>Training loss.</summary>
public enum LossKind
{
    /// <summary>½·Σ(y − t)² per sample, averaged over the batch; its gradient with respect to y is y − t.</summary>
    Mse,
    /// <summary>Cross-entropy: −Σ t·log y with softmax, binary cross-entropy per output with sigmoid.</summary>
    CrossEntropy,
    /// <summary>
    /// MSE with the SET reference code's output δ, (y − t)·σ'(y): the sigmoid derivative taken at the output y instead
    /// of at z, so δ never vanishes when an output saturates. Sigmoid output only; for reproducing the reference.
    /// </summary>
    MseReference,
}

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
