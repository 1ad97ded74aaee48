using System.Runtime.CompilerServices;
namespace SetGpu.Model;

/// <summary>
/// Element-wise activations and their derivatives, from the pre-activation z: the one definition the CPU engine and
/// the ILGPU kernels both call (plain static float code, so it compiles inside kernels). SReLU needs its neuron's
/// parameters and has its own definition (<see cref="SReluParameters"/>): here it passes z and δ through unchanged, and
/// the SReLU step (forward: the activation's epilogue; backward: the parameter update) applies it.
/// </summary>
internal static class ActivationMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(ActivationKind kind, float slope, float z) => kind switch
    {
        ActivationKind.PiecewiseLinear => z > 0f ? z : slope * z,
        ActivationKind.Sigmoid => 1f / (1f + MathF.Exp(-z)),
        ActivationKind.Tanh => Tanh(z),
        _ => z, // softmax is applied over the whole layer afterwards, SReLU with its parameters
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(ActivationKind kind, float slope, float z)
    {
        switch (kind)
        {
            case ActivationKind.PiecewiseLinear: return z > 0f ? 1f : slope;
            case ActivationKind.Sigmoid: { float s = 1f / (1f + MathF.Exp(-z)); return s * (1f - s); }
            case ActivationKind.Tanh: { float t = Tanh(z); return 1f - t * t; }
            // Softmax: output layer only, never differentiated element-wise (kernels cannot throw). SReLU: the
            // parameter update multiplies its derivative in, with the neuron's parameters.
            default: return 1f;
        }
    }

    /// <summary>
    /// Whether <see cref="DerivativeFromOutput"/> gives exactly the bits of <see cref="Derivative"/> (times a dropout
    /// factor) from the layer's output a, so that the pre-activation z need not be kept for the backward pass.
    /// Piecewise linear with a slope of at least 0: a &gt; 0 exactly when z &gt; 0, dropout or not (its factor is 0, which
    /// zeroes either derivative, or at least 1). Sigmoid and tanh: a is the very float the derivative recomputes from z,
    /// but only without dropout, whose factor a would carry.
    /// </summary>
    public static bool DerivativeFromOutputIsExact(ActivationKind kind, float slope, bool dropout) => kind switch
    {
        ActivationKind.PiecewiseLinear => slope >= 0f,
        ActivationKind.Sigmoid or ActivationKind.Tanh => !dropout,
        _ => false,
    };

    /// <summary>f'(z) from the output a = f(z) (see <see cref="DerivativeFromOutputIsExact"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DerivativeFromOutput(ActivationKind kind, float slope, float a) => kind switch
    {
        ActivationKind.PiecewiseLinear => a > 0f ? 1f : slope,
        ActivationKind.Sigmoid => a * (1f - a),
        ActivationKind.Tanh => 1f - a * a,
        _ => 1f,
    };

    /// <summary>
    /// tanh from exp and a polynomial, within 2 ulp of the true value on every engine. Not MathF.Tanh: on CUDA, ILGPU
    /// turns it into the hardware's tanh.approx.f32 (about 5e-4 absolute error), and the device's training would then
    /// differ from the other engines' far beyond rounding. |z| &lt; 0.625: Cephes' tanhf minimax polynomial in z²
    /// (1 − 2/(e^{2|z|} + 1) cancels there); above: that formula, exact to exp's rounding and saturating at ±1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float z)
    {
        float a = MathF.Abs(z);
        if (a >= 0.625f)
        {
            float t = 1f - 2f / (MathF.Exp(2f * a) + 1f);
            return z < 0f ? -t : t;
        }
        float s = z * z;
        float p = (((-5.70498872745e-3f * s + 2.06390887954e-2f) * s - 5.37397155531e-2f) * s + 1.33314422036e-1f) * s
                  - 3.33332819422e-1f;
        return z + z * s * p;
    }
}
