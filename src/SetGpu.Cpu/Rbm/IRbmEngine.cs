using SetGpu.Data;
using SetGpu.Evolution;

namespace SetGpu.Rbm;

/// <summary>What an evaluation of an RBM on a data set measured.</summary>
/// <param name="ReconstructionError">
/// Mean over samples and visible units of (v − v̂)², where v̂ is the one-step reconstruction as the reference code
/// computes it: hidden states sampled from p(h | v), then the visible probabilities (Bernoulli) or means (Gaussian)
/// given them.
/// </param>
/// <param name="MeanFreeEnergy">Mean of F(v) over the samples (see <see cref="RbmEnergy"/>).</param>
/// <param name="FreeEnergyStdDev">Standard deviation of F(v) over the samples.</param>
/// <param name="Samples">Samples evaluated.</param>
public readonly record struct RbmEvaluation(double ReconstructionError, double MeanFreeEnergy, double FreeEnergyStdDev, int Samples);

/// <summary>
/// What an RBM on a device can do: train an epoch of contrastive divergence, evaluate, evolve, transform, run AIS,
/// export. The trainer, the command line and the samples drive every engine through this interface alone. An
/// engine is made for one RBM and owns its state on the device until disposed.
/// </summary>
/// <remarks>
/// One training step on a batch of B samples v⁰ (CD-k, as the reference code):
/// <code>
///   h⁰ ~ p(h | v⁰)                                   sampled (key RbmSampling.HiddenKey(seed, 0, step))
///   for t = 1..k:  vᵗ = E[v | hᵗ⁻¹]  (probabilities or means; sampled when SampleVisible)
///                  hᵗ ~ p(h | vᵗ)                      sampled (key HiddenKey(seed, t, step))
///   g_W = (v⁰ᵀh⁰ − vᵏᵀhᵏ)/B at existing connections only; g_b = mean(v⁰ − vᵏ); g_c = mean(h⁰ − hᵏ)
///   Δ ← μ·Δ + η·g;  θ ← θ + Δ − λ·θ                  for weights and both biases
/// </code>
/// Persistent CD starts the chain from the fantasy particles' hidden states instead of h⁰ and keeps hᵏ for the
/// next step (slot s of the batch continues chain s).
/// </remarks>
public interface IRbmEngine : IDisposable
{
    /// <summary>Engine name as on the command line (cpu, …).</summary>
    string Name { get; }
    /// <summary>The device it runs on, in words.</summary>
    string Device { get; }

    /// <summary>Makes <paramref name="train"/> the data of the following <see cref="TrainEpoch"/> calls.</summary>
    void SetTrainingData(Dataset train);

    /// <summary>
    /// One pass of CD-k over the training samples in the given order (the last batch may be short).
    /// <paramref name="step"/> is the number of batches trained before this epoch (it keys the sampled states).
    /// Returns the mean one-step reconstruction error of the batches, measured before each update, as the
    /// reference code reports its training error.
    /// </summary>
    double TrainEpoch(ReadOnlySpan<int> order, long step, Action<int, int>? batchProgress = null);

    /// <summary>Reconstruction error and free energies on <paramref name="data"/>; <paramref name="sampleKey"/> keys the sampled hidden states.</summary>
    RbmEvaluation Evaluate(Dataset data, ulong sampleKey);

    /// <summary>The hidden probabilities p(h = 1 | v) of every sample (samples × hidden, row-major): features for a classifier.</summary>
    float[] Transform(Dataset data);

    /// <summary>
    /// SET's evolution step (<see cref="RbmEvolution"/>): prune the fraction <paramref name="zeta"/> of each sign closest
    /// to zero, then, when <paramref name="regrow"/>, as many connections at random empty positions.
    /// </summary>
    LayerEvolution Evolve(int epoch, double zeta, bool regrow = true);

    /// <summary>
    /// The log importance weights of <see cref="AisOptions.Runs"/> annealed importance sampling runs from the base
    /// model with visible bias <paramref name="baseVisibleBias"/> and no weights (see <c>Ais</c>).
    /// </summary>
    double[] AisLogWeights(AisOptions options, ReadOnlySpan<float> baseVisibleBias);

    /// <summary>Connections now (cheap).</summary>
    int Connections { get; }

    /// <summary>A host copy of the current state.</summary>
    SparseRbm Export();
}
