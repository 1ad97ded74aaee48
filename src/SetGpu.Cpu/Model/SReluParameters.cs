using System.Runtime.CompilerServices;
using SetGpu.Rng;

namespace SetGpu.Model;

/// <summary>
/// The S-shaped ReLU (Jin et al., "Deep learning with S-shaped rectified linear activation units", AAAI 2016), per
/// neuron j with its four learned parameters:
/// <code>
///   f(z) = t_r + a_r·(z − t_r)   for z ≥ t_r
///          z                     for t_l &lt; z &lt; t_r
///          t_l + a_l·(z − t_l)   for z ≤ t_l
/// </code>
/// A layer stores them planar, 4 × outputs floats: every neuron's t_l, then every a_l, t_r, a_r (so parameter p of
/// neuron j is at p·outputs + j; SciPy export writes the same array as shape (4, outputs)). The thresholds are the
/// parameters themselves (keras-contrib learns t_r as an offset |t_r| above t_l instead); should training push t_r
/// below t_l, the z ≥ t_r piece is tested first. The one definition the CPU engine and the ILGPU kernels call.
/// </summary>
public static class SReluParameters
{
    /// <summary>Parameters per neuron.</summary>
    public const int Count = 4;
    /// <summary>Index of each parameter in a neuron's four (times the layer's outputs: the offset of its plane).</summary>
    public const int LeftThreshold = 0, LeftSlope = 1, RightThreshold = 2, RightSlope = 3;

    /// <summary>
    /// Initial values of a layer: keras-contrib's SReLU initialisers, which the SET Keras code uses unchanged: t_l = 0,
    /// a_l uniform in [0, 1), t_r uniform in [0, 5) (keras-contrib's t_l + |t_r| with t_r ~ U(0, 5)), a_r = 1. So every
    /// neuron starts as a leaky ReLU with a random negative slope, its right threshold inactive (a_r = 1 continues the
    /// identity). The draws are Hash(key, 2j) for a_l and Hash(key, 2j + 1) for t_r, key = Key(seed,
    /// ActivationParameters, layer, 0).
    /// </summary>
    public static float[] Initial(ulong seed, int layer, int outputs)
    {
        var values = new float[Count * outputs];
        ulong key = CounterRng.Key(seed, RngStream.ActivationParameters, layer, 0);
        for (int j = 0; j < outputs; j++)
        {
            values[LeftThreshold * outputs + j] = 0f;
            values[LeftSlope * outputs + j] = CounterRng.UniformFloat(CounterRng.Hash(key, 2 * (ulong)j));
            values[RightThreshold * outputs + j] = 5f * CounterRng.UniformFloat(CounterRng.Hash(key, 2 * (ulong)j + 1));
            values[RightSlope * outputs + j] = 1f;
        }
        return values;
    }

    /// <summary>f(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float z, float tLeft, float aLeft, float tRight, float aRight) =>
        z >= tRight ? tRight + aRight * (z - tRight) : z <= tLeft ? tLeft + aLeft * (z - tLeft) : z;

    /// <summary>
    /// Which piece z falls on: 1 right (z ≥ t_r; ∂f/∂t_r = 1 − a_r, ∂f/∂a_r = z − t_r), −1 left (z ≤ t_l;
    /// ∂f/∂t_l = 1 − a_l, ∂f/∂a_l = z − t_l), 0 the identity in between (no parameter gradient).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Piece(float z, float tLeft, float tRight) => z >= tRight ? 1 : z <= tLeft ? -1 : 0;

    /// <summary>∂f/∂z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Derivative(float z, float tLeft, float aLeft, float tRight, float aRight) =>
        z >= tRight ? aRight : z <= tLeft ? aLeft : 1f;
}
