using System.Text.Json.Serialization;

namespace SetGpu;

/// <summary>
/// How parameters move along their gradients. Every optimiser keeps its state for existing connections only (a few
/// floats per connection and per bias) and resets it for connections that evolution regrows.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(Sgd), "sgd")]
public abstract record Optimizer
{
    /// <summary>Step size η (before the schedule).</summary>
    public float LearningRate { get; init; } = 0.01f;
    /// <summary>
    /// Decoupled weight decay λ per step, as the SET reference code applies it: w ← w + Δ − λ·w (biases too). Under a
    /// learning-rate schedule it scales with the rate (<see cref="SetSpec.StepAt"/>).
    /// </summary>
    public float WeightDecay { get; init; } = 0.0002f;

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
    public override void Validate()
    {
        base.Validate();
        InvalidSpecException.Require(Momentum >= 0 && Momentum < 1, "Optimizer.Momentum", $"momentum must lie in [0, 1), got {Momentum}");
    }
}
