using SetGpu.Rng;

namespace SetGpu.Training;

/// <summary>
/// Masking noise on the input block as a pure function of (seed, step, feature, sample), like <see cref="DropoutMask"/>:
/// the CPU engine and every ILGPU backend corrupt the same inputs. A masked value becomes zero; kept values are not
/// rescaled (the denoising autoencoder's corruption, as QuickSelection uses it).
/// </summary>
public static class InputNoise
{
    /// <summary>The key of the masks at training step <paramref name="step"/>.</summary>
    public static ulong Key(ulong seed, long step) => CounterRng.Key(seed, RngStream.InputNoise, 0, step);

    /// <summary>Whether input (feature, sample) of a batch of <paramref name="batch"/> is masked (set to zero).</summary>
    public static bool Masked(ulong key, int feature, int sample, int batch, float rate) =>
        CounterRng.UniformFloat(CounterRng.Hash(key, (ulong)((long)feature * batch + sample))) < rate;
}
