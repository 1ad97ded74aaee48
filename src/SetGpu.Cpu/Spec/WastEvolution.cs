namespace SetGpu;

/// <summary>
/// Importance-guided evolution (WAST: Sokar et al., NeurIPS 2022), truly sparse, for a SET denoising autoencoder with one
/// hidden layer. During training each input neuron and each output neuron keeps a running importance: the sum over the
/// batches so far of λ · its reconstruction error mean |x_j − y_j| + (1 − λ) · its strength (Σ |w| of its connections),
/// each term relative to its mean over the neurons (<see cref="Evolution.Wast.NeuronImportance"/>); every hidden neuron
/// counts 1, as in WAST. After every <see cref="EveryBatches"/> batches each layer
/// drops the <see cref="Zeta"/> fraction of each sign with the smallest |w| · importance (layer 1: the input neuron's,
/// layer 2: the output neuron's) and regrows as many where the product of the endpoint importances is highest among the
/// empty positions (new weights from the layer's initialiser, as SET's). SET's evolution after each epoch does not run. The defaults are WAST's.
/// </summary>
public sealed record WastEvolution
{
    /// <summary>λ: the weight of the reconstruction error against the strength in the importance (WAST: 0.9).</summary>
    public double Lambda { get; init; } = 0.9;
    /// <summary>The fraction of each sign dropped (and regrown) by every per-batch step (WAST's α: 0.3).</summary>
    public double Zeta { get; init; } = 0.3;
    /// <summary>Evolve after every this many batches (WAST: 1, every batch).</summary>
    public int EveryBatches { get; init; } = 1;

    /// <summary>Batches that only add importance before the first evolution step (WAST: 0).</summary>
    public long WarmupBatches { get; init; }

    /// <summary>Refuses settings that cannot run, naming the field.</summary>
    public void Validate()
    {
        InvalidSpecException.Require(Lambda is >= 0 and <= 1, "Wast.Lambda", $"WAST's λ must lie in [0, 1], got {Lambda}");
        InvalidSpecException.Require(Zeta is >= 0 and < 1, "Wast.Zeta", $"WAST's ζ must lie in [0, 1), got {Zeta}");
        InvalidSpecException.Require(WarmupBatches >= 0, "Wast.WarmupBatches", $"WAST's warm-up is 0 or more batches, got {WarmupBatches}");
        InvalidSpecException.Require(EveryBatches >= 1, "Wast.EveryBatches", $"WAST evolves after every N ≥ 1 batches, got {EveryBatches}");
    }
}
