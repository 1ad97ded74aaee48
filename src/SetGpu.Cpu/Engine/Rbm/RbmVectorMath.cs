using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SetGpu.Rbm;

namespace SetGpu.Cpu.Rbm;

/// <summary>
/// The RBM engine's element-wise functions on whole vectors. An epoch of COIL20 takes about 1.4 million sigmoids;
/// scalar MathF.Exp would cost more than all the sparse products together. Pure integer and float arithmetic in a
/// fixed order, so every thread gets the same bits.
/// </summary>
internal static class RbmVectorMath
{
    /// <summary>Floats per vector.</summary>
    public static int Width => Vector<float>.Count;

    /// <summary>Samples per block row: the batch rounded up to whole vectors (the extra lanes hold zeros).</summary>
    public static int Stride(int batch) => (batch + Width - 1) / Width * Width;

    /// <summary>σ(z) = 1 / (1 + e^−z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> z) => Vector<float>.One / (Vector<float>.One + Exp(-z));

    /// <summary>
    /// eˣ to about 2 ulp, on whole vectors (the runtime's Vector.Exp is not vectorised and costs more than MathF.Exp
    /// per element). Cephes' expf: x = n·ln 2 + r with |r| ≤ ln2/2, a degree-6 polynomial for eʳ, and 2ⁿ put into
    /// the exponent bits. x is clamped to [−87.3, 88.7], so the result is always a finite normal float.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        x = Vector.Min(Vector.Max(x, new Vector<float>(-87.33654f)), new Vector<float>(88.72283f));
        var n = Vector.Floor(x * new Vector<float>(1.44269504088896341f) + new Vector<float>(0.5f));
        var r = x - n * new Vector<float>(0.693359375f) - n * new Vector<float>(-2.12194440e-4f); // ln 2 in two parts: exact n·hi
        var p = new Vector<float>(1.9875691500E-4f);
        p = p * r + new Vector<float>(1.3981999507E-3f);
        p = p * r + new Vector<float>(8.3334519073E-3f);
        p = p * r + new Vector<float>(4.1665795894E-2f);
        p = p * r + new Vector<float>(1.6666665459E-1f);
        p = p * r + new Vector<float>(5.0000001201E-1f);
        p = p * (r * r) + r + Vector<float>.One;
        var scale = Vector.ShiftLeft(Vector.ConvertToInt32(n) + new Vector<int>(127), 23);
        return p * Vector.AsVectorSingle(scale);
    }

    /// <summary>
    /// log(1 + t) for t ≥ 0, on whole vectors: Cephes' logf of u = 1 + t, times t / (u − 1) (Goldberg's correction
    /// for the rounding of 1 + t), and t itself where 1 + t rounds to 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log1p(Vector<float> t)
    {
        var u = Vector<float>.One + t;
        var bits = Vector.AsVectorInt32(u);
        var e = Vector.ShiftRightArithmetic(bits, 23) - new Vector<int>(127);
        var m = Vector.AsVectorSingle((bits & new Vector<int>(0x007FFFFF)) | new Vector<int>(0x3F800000)); // [1, 2)
        var high = Vector.GreaterThan(m, new Vector<float>(1.41421356f));
        m = Vector.ConditionalSelect(high, m * new Vector<float>(0.5f), m); // [√½, √2)
        e -= high; // a true mask lane is −1
        var f = m - Vector<float>.One;
        var z = f * f;
        var y = new Vector<float>(7.0376836292E-2f);
        y = y * f + new Vector<float>(-1.1514610310E-1f);
        y = y * f + new Vector<float>(1.1676998740E-1f);
        y = y * f + new Vector<float>(-1.2420140846E-1f);
        y = y * f + new Vector<float>(1.4249322787E-1f);
        y = y * f + new Vector<float>(-1.6668057665E-1f);
        y = y * f + new Vector<float>(2.0000714765E-1f);
        y = y * f + new Vector<float>(-2.4999993993E-1f);
        y = y * f + new Vector<float>(3.3333331174E-1f);
        y = y * f * z;
        var ef = Vector.ConvertToSingle(e);
        y += ef * new Vector<float>(-2.12194440e-4f);
        y -= new Vector<float>(0.5f) * z;
        var log = f + y + ef * new Vector<float>(0.693359375f);
        var d = u - Vector<float>.One;
        var exact = Vector.Equals(d, Vector<float>.Zero);
        return Vector.ConditionalSelect(exact, t, log * (t / Vector.ConditionalSelect(exact, Vector<float>.One, d)));
    }

    /// <summary>
    /// dst[l] = <see cref="RbmSampling.Uniform"/>(key, first + l·step): the same integer hash, several counters per
    /// vector (hashing the states of a COIL20 epoch one by one costs as much as the sparse products).
    /// </summary>
    public static void Uniforms(ulong key, ulong first, ulong step, Span<float> dst)
    {
        int n = dst.Length, lanes = Vector<ulong>.Count, l = 0;
        if (Vector.IsHardwareAccelerated && lanes >= 2)
        {
            var k = new Vector<ulong>(key);
            var counters = new Vector<ulong>(first) + Vector<ulong>.Indices * new Vector<ulong>(step);
            var advance = new Vector<ulong>(step * (ulong)lanes);
            var golden = new Vector<ulong>(0x9E3779B97F4A7C15UL);
            var offset = new Vector<ulong>(0x632BE59BD9B4E019UL);
            for (; l + lanes <= n; l += lanes)
            {
                var bits = Vector.ShiftRightLogical(Mix(k ^ Mix(counters * golden + offset)), 40);
                for (int t = 0; t < lanes; t++) dst[l + t] = bits[t] * (1.0f / 16777216.0f);
                counters += advance;
            }
        }
        for (; l < n; l++) dst[l] = RbmSampling.Uniform(key, first + (ulong)l * step);
    }

    /// <summary><see cref="SetGpu.Rng.CounterRng.Mix"/> on every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<ulong> Mix(Vector<ulong> z)
    {
        z ^= Vector.ShiftRightLogical(z, 30);
        z *= new Vector<ulong>(0xBF58476D1CE4E5B9UL);
        z ^= Vector.ShiftRightLogical(z, 27);
        z *= new Vector<ulong>(0x94D049BB133111EBUL);
        z ^= Vector.ShiftRightLogical(z, 31);
        return z;
    }

    /// <summary>
    /// Binary states: dst[b] = 1 where u[b] &lt; p[b], else 0, over whole vectors; lanes of <paramref name="u"/> set
    /// to 2 (beyond the batch) come out 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Bernoulli(ReadOnlySpan<float> u, ReadOnlySpan<float> p, Span<float> dst)
    {
        ref float ur = ref MemoryMarshal.GetReference(u);
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float d = ref MemoryMarshal.GetReference(dst);
        for (int b = 0; b < dst.Length; b += Width)
            Vector.ConditionalSelect(Vector.LessThan(Vector.LoadUnsafe(ref ur, (nuint)b), Vector.LoadUnsafe(ref pr, (nuint)b)),
                                     Vector<float>.One, Vector<float>.Zero).StoreUnsafe(ref d, (nuint)b);
    }

    [ThreadStatic] static float[]? _scratch;

    /// <summary>A per-thread scratch row of <paramref name="length"/> floats (contents undefined).</summary>
    public static Span<float> Scratch(int length) =>
        (_scratch is { } s && s.Length >= length ? s : _scratch = new float[Math.Max(length, 256)]).AsSpan(0, length);

    /// <summary>
    /// Uniforms for the lanes of one unit: lane b gets counter first + b·step for b below <paramref name="batch"/>,
    /// and 2 beyond (never below a probability).
    /// </summary>
    public static void LaneUniforms(ulong key, ulong first, ulong step, int batch, Span<float> u)
    {
        Uniforms(key, first, step, u[..batch]);
        u[batch..].Fill(2f);
    }

    /// <summary>softplus(z) = log(1 + e^z) = max(z, 0) + log(1 + e^−|z|), which neither overflows nor cancels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Softplus(Vector<float> z) => Vector.Max(z, Vector<float>.Zero) + Log1p(Exp(-Vector.Abs(z)));
}
