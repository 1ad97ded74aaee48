using System.Text.Json.Serialization;

namespace SetGpu;

/// <summary>
/// How parameters move along their gradients. Every optimiser keeps its state for existing connections only
/// (<see cref="StateArrays"/> floats per connection, per bias and per activation parameter) and resets it for
/// connections that evolution regrows.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(Sgd), "sgd")]
[JsonDerivedType(typeof(Adam), "adam")]
[JsonDerivedType(typeof(AdamW), "adamw")]
public abstract record Optimizer
{
    /// <summary>Step size η (before the schedule).</summary>
    public float LearningRate { get; init; } = 0.01f;
    /// <summary>
    /// Weight decay λ (biases too). SGD applies it decoupled per step, as the SET reference code does: w ← w + Δ − λ·w,
    /// scaled with the rate under a schedule (<see cref="SetSpec.StepAt"/>). Adam adds λ·w to the gradient; AdamW
    /// subtracts η·λ·w.
    /// </summary>
    public float WeightDecay { get; init; } = 0.0002f;

    /// <summary>State values the optimiser keeps per parameter (SGD's velocity; Adam's first and second moments).</summary>
    [JsonIgnore]
    public abstract int StateArrays { get; }

    /// <summary>
    /// The weight decay to apply at learning rate <paramref name="rate"/> (the schedule's rate of an epoch). SGD's
    /// per-step decay follows the rate's factor: the equilibrium |w| goes as η/λ, so a falling rate with a constant λ
    /// would shrink the weights faster than the gradient can hold them.
    /// </summary>
    public virtual float DecayAt(float rate) => WeightDecay * (rate / LearningRate);

    /// <summary>Refuses settings that cannot train, naming the field.</summary>
    public virtual void Validate()
    {
        InvalidSpecException.Require(LearningRate > 0 && float.IsFinite(LearningRate), "Optimizer.LearningRate",
            $"learning rate must be a positive number, got {LearningRate}");
        InvalidSpecException.Require(WeightDecay >= 0 && WeightDecay < 1, "Optimizer.WeightDecay",
            $"weight decay must lie in [0, 1), got {WeightDecay}");
    }
}

/// <summary>
/// Stochastic gradient descent with momentum and decoupled weight decay, per parameter:
/// v ← μ·v − η·g;  w ← w + v − λ·w  (Nesterov: w ← w + μ·v − η·g − λ·w). One state value (v) per parameter.
/// </summary>
public sealed record Sgd : Optimizer
{
    /// <summary>Momentum coefficient μ (0 for plain SGD).</summary>
    public float Momentum { get; init; } = 0.9f;
    /// <summary>Nesterov momentum instead of classical momentum.</summary>
    public bool Nesterov { get; init; }

    /// <inheritdoc/>
    [JsonIgnore]
    public override int StateArrays => 1;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        InvalidSpecException.Require(Momentum >= 0 && Momentum < 1, "Optimizer.Momentum", $"momentum must lie in [0, 1), got {Momentum}");
    }
}
