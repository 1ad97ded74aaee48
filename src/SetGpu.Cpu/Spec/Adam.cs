using System.Text.Json.Serialization;

namespace SetGpu;

/// <summary>
/// Adam's moment estimates (Kingma &amp; Ba, 2015), shared by <see cref="Adam"/> and <see cref="AdamW"/>; per parameter,
/// at training step t (the global step count + 1, so a resumed run continues the same sequence):
/// m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  m̂ = m / (1 − β1ᵗ);  v̂ = v / (1 − β2ᵗ);  u = m̂ / (√v̂ + ε).
/// Two state values (m, v) per parameter. The decay enters through η, so under a schedule it follows the rate
/// without a factor of its own.
/// </summary>
public abstract record AdaptiveMoments : Optimizer
{
    /// <summary>Defaults of the Adam paper and the common libraries: η = 0.001, no weight decay.</summary>
    protected AdaptiveMoments()
    {
        LearningRate = 0.001f;
        WeightDecay = 0f;
    }

    /// <summary>β1: decay rate of the first-moment (mean) estimate.</summary>
    public float Beta1 { get; init; } = 0.9f;
    /// <summary>β2: decay rate of the second-moment (uncentred variance) estimate.</summary>
    public float Beta2 { get; init; } = 0.999f;
    /// <summary>ε: added to √v̂ so that parameters with tiny gradients do not take huge steps.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <inheritdoc/>
    [JsonIgnore]
    public override int StateArrays => 2;

    /// <inheritdoc/>
    public override float DecayAt(float rate) => WeightDecay;

    /// <summary>
    /// 1 / (1 − β1ᵗ) and 1 / (1 − β2ᵗ) at training step <paramref name="step"/> (0-based, so t = step + 1), computed
    /// once per step in double on the host: every engine multiplies by the same two floats.
    /// </summary>
    public (float First, float Second) BiasCorrections(long step)
    {
        double t = step + 1.0;
        return ((float)(1 / (1 - Math.Pow(Beta1, t))), (float)(1 / (1 - Math.Pow(Beta2, t))));
    }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        InvalidSpecException.Require(Beta1 >= 0 && Beta1 < 1, "Optimizer.Beta1", $"beta1 must lie in [0, 1), got {Beta1}");
        InvalidSpecException.Require(Beta2 >= 0 && Beta2 < 1, "Optimizer.Beta2", $"beta2 must lie in [0, 1), got {Beta2}");
        InvalidSpecException.Require(Epsilon > 0 && float.IsFinite(Epsilon), "Optimizer.Epsilon", $"Adam's epsilon must be a positive number, got {Epsilon}");
    }
}

/// <summary>
/// Adam with L2 regularisation: the decay is added to the gradient before the moments, g ← g + λ·w, then
/// w ← w − η·m̂ / (√v̂ + ε). The adaptive step scales the decay too (Loshchilov &amp; Hutter's point: use
/// <see cref="AdamW"/> for a decay that does not depend on the gradient's history).
/// </summary>
public sealed record Adam : AdaptiveMoments;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov &amp; Hutter, 2019): w ← w − η·(m̂ / (√v̂ + ε) + λ·w), the decay kept
/// out of the moments. Its default λ is 0.01, the common libraries'.
/// </summary>
public sealed record AdamW : AdaptiveMoments
{
    /// <summary>AdamW's defaults: η = 0.001, λ = 0.01.</summary>
    public AdamW() => WeightDecay = 0.01f;
}
