using SetGpu.Rng;

namespace SetGpu.Training;

/// <summary>
/// Inverted dropout masks as a pure function of (seed, layer, step, neuron, sample): nothing is stored, the
/// backward pass recomputes the forward pass's mask, and every engine draws the same one.
/// </summary>
public static class DropoutMask
{
    /// <summary>The key of the mask of hidden layer <paramref name="layer"/> at training step <paramref name="step"/>.</summary>
    public static ulong Key(ulong seed, int layer, long step) => CounterRng.Key(seed, RngStream.Dropout, layer, step);

    /// <summary>
    /// The factor of activation (neuron, sample) in a batch of <paramref name="batch"/>: 0 when dropped,
    /// 1 / (1 − rate) when kept.
    /// </summary>
    public static float Factor(ulong key, int neuron, int sample, int batch, float rate, float keepScale) =>
        CounterRng.UniformFloat(CounterRng.Hash(key, (ulong)((long)neuron * batch + sample))) < rate ? 0f : keepScale;
}
