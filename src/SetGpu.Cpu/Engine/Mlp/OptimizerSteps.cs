using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SetGpu.Cpu;

/// <summary>
/// One optimiser's update of one parameter at one training step, with its state values. The CPU kernels are generic
/// over it (a struct, so the JIT compiles each rule's loops of its own): SGD's loops are what they were before Adam
/// existed, and a rule reads and writes only the state arrays it has.
/// </summary>
internal interface IOptimizerStep
{
    /// <summary>
    /// Updates the state at <paramref name="first"/> (and <paramref name="second"/>, for rules with two arrays) and
    /// returns the new value of parameter <paramref name="w"/> with mean gradient <paramref name="g"/>.
    /// </summary>
    float Apply(float w, ref float first, ref float second, float g);

    /// <summary>Eight parameters at once, their state at <paramref name="first"/>.. and <paramref name="second"/>..; each bit-identical to the scalar form.</summary>
    Vector256<float> Apply(Vector256<float> w, ref float first, ref float second, Vector256<float> g);
}

/// <summary>
/// SGD with momentum and decoupled weight decay for one parameter:
/// v ← μ·v − η·g;  w ← w + v − λ·w  (Nesterov: w ← w + μ·v − η·g − λ·w). One state array; the second is never touched.
/// </summary>
internal readonly struct SgdStep(Sgd sgd, StepSize step) : IOptimizerStep
{
    readonly float _lr = step.LearningRate, _mu = sgd.Momentum, _decay = step.WeightDecay;
    readonly bool _nesterov = sgd.Nesterov;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(float w, ref float first, ref float second, float g)
    {
        float v = _mu * first - _lr * g;
        first = v;
        return w + (_nesterov ? _mu * v - _lr * g : v) - _decay * w;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> w, ref float first, ref float second, Vector256<float> g)
    {
        Vector256<float> mu = Vector256.Create(_mu), lr = Vector256.Create(_lr);
        var v = mu * Vector256.LoadUnsafe(ref first) - lr * g;
        v.StoreUnsafe(ref first);
        return w + (_nesterov ? mu * v - lr * g : v) - Vector256.Create(_decay) * w;
    }
}

/// <summary>
/// Adam (L2: g ← g + λ·w first) or AdamW (decoupled: − η·λ·w) for one parameter at one step, with the step's bias
/// corrections (<see cref="AdaptiveMoments.BiasCorrections"/>):
/// m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  w ← w − η·(m·c1 / (√(v·c2) + ε) [+ λ·w]). State: m first, v second.
/// The ILGPU kernels compute the same expression in the same order (OptimizerParams).
/// </summary>
internal readonly struct AdamStep : IOptimizerStep
{
    readonly float _lr, _decay, _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _epsilon, _correction1, _correction2;
    readonly bool _decoupled;

    /// <summary>The rule of <paramref name="adam"/> at <paramref name="step"/>'s sizes and training step <paramref name="t"/> (0-based).</summary>
    public AdamStep(AdaptiveMoments adam, StepSize step, long t)
    {
        _lr = step.LearningRate;
        _decay = step.WeightDecay;
        _decoupled = adam is AdamW;
        _beta1 = adam.Beta1;
        _oneMinusBeta1 = 1f - adam.Beta1;
        _beta2 = adam.Beta2;
        _oneMinusBeta2 = 1f - adam.Beta2;
        _epsilon = adam.Epsilon;
        (_correction1, _correction2) = adam.BiasCorrections(t);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(float w, ref float first, ref float second, float g)
    {
        if (!_decoupled) g += _decay * w;
        float m = _beta1 * first + _oneMinusBeta1 * g;
        float v = _beta2 * second + _oneMinusBeta2 * (g * g);
        first = m;
        second = v;
        float u = m * _correction1 / (MathF.Sqrt(v * _correction2) + _epsilon);
        return _decoupled ? w - _lr * (u + _decay * w) : w - _lr * u;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> w, ref float first, ref float second, Vector256<float> g)
    {
        var decay = Vector256.Create(_decay);
        if (!_decoupled) g += decay * w;
        var m = Vector256.Create(_beta1) * Vector256.LoadUnsafe(ref first) + Vector256.Create(_oneMinusBeta1) * g;
        var v = Vector256.Create(_beta2) * Vector256.LoadUnsafe(ref second) + Vector256.Create(_oneMinusBeta2) * (g * g);
        m.StoreUnsafe(ref first);
        v.StoreUnsafe(ref second);
        var u = m * Vector256.Create(_correction1) / (Vector256.Sqrt(v * Vector256.Create(_correction2)) + Vector256.Create(_epsilon));
        var lr = Vector256.Create(_lr);
        return _decoupled ? w - lr * (u + decay * w) : w - lr * u;
    }
}

/// <summary>
/// An optimiser's rule at each training step of a slice of training (Adam's bias corrections change every step):
/// for weights and biases, and for learned activation parameters, which take no weight decay.
/// </summary>
internal interface IStepRule<TStep> where TStep : struct, IOptimizerStep
{
    /// <summary>The rule for weights and biases at training step <paramref name="t"/> (0-based, global).</summary>
    TStep At(long t);

    /// <summary>The rule for activation parameters at training step <paramref name="t"/>: the same without decay.</summary>
    TStep ParametersAt(long t);
}

/// <summary>SGD's rule: the same at every step.</summary>
internal readonly struct SgdRule(Sgd sgd, StepSize step) : IStepRule<SgdStep>
{
    public SgdStep At(long t) => new(sgd, step);
    public SgdStep ParametersAt(long t) => new(sgd, step with { WeightDecay = 0f });
}

/// <summary>Adam's and AdamW's rule: the step's bias corrections.</summary>
internal readonly struct AdamRule(AdaptiveMoments adam, StepSize step) : IStepRule<AdamStep>
{
    public AdamStep At(long t) => new(adam, step, t);
    public AdamStep ParametersAt(long t) => new(adam, step with { WeightDecay = 0f }, t);
}
