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
        ActivationKind.Tanh => MathF.Tanh(z),
        _ => z, // softmax is applied over the whole layer afterwards, SReLU with its parameters
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(ActivationKind kind, float slope, float z)
    {
        switch (kind)
        {
            case ActivationKind.PiecewiseLinear: return z > 0f ? 1f : slope;
            case ActivationKind.Sigmoid: { float s = 1f / (1f + MathF.Exp(-z)); return s * (1f - s); }
            case ActivationKind.Tanh: { float t = MathF.Tanh(z); return 1f - t * t; }
            // Softmax: output layer only, never differentiated element-wise (kernels cannot throw). SReLU: the
            // parameter update multiplies its derivative in, with the neuron's parameters.
            default: return 1f;
        }
    }
}
