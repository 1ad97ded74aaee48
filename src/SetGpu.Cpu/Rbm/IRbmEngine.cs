using SetGpu.Data;
using SetGpu.Training;

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
/// A SET restricted Boltzmann machine on an engine: besides training (contrastive divergence, <see cref="ISetEngine"/>),
/// evaluation, the hidden features, annealed importance sampling and a host copy.
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
public interface IRbmEngine : ISetEngine
{
    /// <summary>Reconstruction error and free energies on <paramref name="data"/>; <paramref name="sampleKey"/> keys the sampled hidden states.</summary>
    RbmEvaluation Evaluate(Dataset data, ulong sampleKey);

    /// <summary>The hidden probabilities p(h = 1 | v) of every sample (samples × hidden, row-major): features for a classifier.</summary>
    float[] Transform(Dataset data);

    /// <summary>
    /// The log importance weights of <see cref="AisOptions.Runs"/> annealed importance sampling runs from the base
    /// model with visible bias <paramref name="baseVisibleBias"/> and no weights (see <c>Ais</c>); <paramref name="seed"/>
    /// keys the runs' random states.
    /// </summary>
    double[] AisLogWeights(AisOptions options, ulong seed, ReadOnlySpan<float> baseVisibleBias);

    /// <summary>A host copy of the current state (with the persistent chains, when there are any).</summary>
    SparseRbm Export();
}
