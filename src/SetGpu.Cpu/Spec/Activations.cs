using System.Text.Json.Serialization;

namespace SetGpu;

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
    /// <summary>
    /// S-shaped ReLU (Jin et al. 2016), as the SET Keras code uses it: z for t_l &lt; z &lt; t_r, t_r + a_r·(z − t_r)
    /// above, t_l + a_l·(z − t_l) below, with the four parameters learned per neuron (<see cref="Model.SReluParameters"/>).
    /// </summary>
    [JsonStringEnumMemberName("srelu")]
    SRelu,
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
