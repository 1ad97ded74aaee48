using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SetGpu.Cpu;

/// <summary>
/// SGD with momentum and decoupled weight decay for one parameter:
/// v ← μ·v − η·g;  w ← w + v − λ·w  (Nesterov: w ← w + μ·v − η·g − λ·w).
/// </summary>
internal readonly struct OptimizerStep(Sgd sgd, StepSize step)
{
    readonly float _lr = step.LearningRate, _mu = sgd.Momentum, _decay = step.WeightDecay;
    readonly bool _nesterov = sgd.Nesterov;

    /// <summary>Updates <paramref name="velocity"/> and returns the new weight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(float w, ref float velocity, float g)
    {
        float v = _mu * velocity - _lr * g;
        velocity = v;
        return w + (_nesterov ? _mu * v - _lr * g : v) - _decay * w;
    }

    /// <summary>Eight parameters at once, each bit-identical to <see cref="Apply(float, ref float, float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> w, ref Vector256<float> velocity, Vector256<float> g)
    {
        Vector256<float> mu = Vector256.Create(_mu), lr = Vector256.Create(_lr);
        var v = mu * velocity - lr * g;
        velocity = v;
        return w + (_nesterov ? mu * v - lr * g : v) - Vector256.Create(_decay) * w;
    }
}
