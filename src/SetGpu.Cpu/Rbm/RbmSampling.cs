using System.Runtime.CompilerServices;
using SetGpu.Rng;

namespace SetGpu.Rbm;

/// <summary>
/// Every random state of RBM training, evaluation and AIS, as a pure function of (key, counter), so that results do
/// not depend on threads and every engine draws the same numbers. The counter of unit u of sample s is
/// s·units + u (s is the slot in the batch while training, the index in the data set while evaluating, the run
/// in AIS); a Gaussian draw uses counters 2c and 2c + 1.
/// </summary>
public static class RbmSampling
{
    /// <summary>Hidden states of training step <paramref name="step"/> at Gibbs step <paramref name="gibbsStep"/> (0: from the data).</summary>
    public static ulong HiddenKey(ulong seed, int gibbsStep, long step) => CounterRng.Key(seed, RngStream.RbmHidden, gibbsStep, step);

    /// <summary>Visible states of training step <paramref name="step"/> at Gibbs step <paramref name="gibbsStep"/> (1 …k).</summary>
    public static ulong VisibleKey(ulong seed, int gibbsStep, long step) => CounterRng.Key(seed, RngStream.RbmVisible, gibbsStep, step);

    /// <summary>Hidden states of an evaluation after epoch <paramref name="epoch"/>; <paramref name="set"/> tells the data sets apart.</summary>
    public static ulong EvaluationKey(ulong seed, int set, int epoch) => CounterRng.Key(seed, RngStream.RbmEvaluation, set, epoch);

    /// <summary>AIS states: <paramref name="part"/> 0 hidden, 1 visible (at β index <paramref name="betaIndex"/>), 2 the base sample.</summary>
    public static ulong AisKey(ulong seed, int part, long betaIndex) => CounterRng.Key(seed, RngStream.RbmAis, part, betaIndex);

    /// <summary>The counter of unit <paramref name="unit"/> of sample <paramref name="sample"/> in a layer of <paramref name="units"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Counter(long sample, int units, int unit) => (ulong)(sample * units + unit);

    /// <summary>A uniform number in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Uniform(ulong key, ulong counter) => CounterRng.UniformFloat(CounterRng.Hash(key, counter));

    /// <summary>A binary state that is 1 with probability <paramref name="p"/>: 1 when the uniform draw is below p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Bernoulli(ulong key, ulong counter, float p) => Uniform(key, counter) < p ? 1f : 0f;

    /// <summary>A standard normal draw by Box–Muller from the uniforms at counters 2c and 2c + 1 (the first in (0, 1]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float StandardNormal(ulong key, ulong counter)
    {
        float u1 = ((CounterRng.Hash(key, 2 * counter) >> 40) + 1) * (1.0f / 16777216.0f);
        float u2 = CounterRng.UniformFloat(CounterRng.Hash(key, 2 * counter + 1));
        return MathF.Sqrt(-2f * MathF.Log(u1)) * MathF.Cos(2f * MathF.PI * u2);
    }
}
