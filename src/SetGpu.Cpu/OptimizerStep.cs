using System.Runtime.CompilerServices;
using SetGpu.Training;

namespace SetGpu.Cpu;

/// <summary>
/// SGD with momentum and decoupled weight decay for one parameter:
/// v ← μ·v − η·g;  w ← w + v − λ·w  (Nesterov: w ← w + μ·v − η·g − λ·w).
/// </summary>
internal readonly struct OptimizerStep(TrainingOptions options)
{
    readonly float _lr = options.LearningRate, _mu = options.Momentum, _decay = options.WeightDecay;
    readonly bool _nesterov = options.Nesterov;

    /// <summary>Updates <paramref name="velocity"/> and returns the new weight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(float w, ref float velocity, float g)
    {
        float v = _mu * velocity - _lr * g;
        velocity = v;
        return w + (_nesterov ? _mu * v - _lr * g : v) - _decay * w;
    }
}
