using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SetGpu.Rbm;

namespace SetGpu.Cpu.Rbm;

/// <summary>
/// The RBM engine's functions on whole groups of <see cref="RbmLanes.Width"/> lanes (<see cref="Vector256{T}"/>, on
/// any host: emulated where there is no AVX, with the same bits). An epoch of COIL20 takes about 1.4 million
/// sigmoids; scalar MathF.Exp would cost more than all the sparse products together. Pure integer and float
/// arithmetic in a fixed order, so every thread gets the same bits.
/// </summary>
internal static class RbmVectorMath
{
    /// <summary>The lanes of a group summed in the contract's order (<see cref="RbmLanes.Sum"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> v)
    {
        if (Avx.IsSupported)
        {
            // Two horizontal adds give ((l0 + l1) + (l2 + l3)) in lane 0 and ((l4 + l5) + (l6 + l7)) in lane 4.
            var pairs = Avx.HorizontalAdd(v, v);
            var quads = Avx.HorizontalAdd(pairs, pairs);
            return quads.ToScalar() + quads.GetUpper().ToScalar();
        }
        return SumPortable(v);
    }

    /// <summary><see cref="Sum"/> without AVX (and the reference the AVX path is tested against).</summary>
    public static float SumPortable(Vector256<float> v) =>
        RbmLanes.Sum(v.GetElement(0), v.GetElement(1), v.GetElement(2), v.GetElement(3),
                     v.GetElement(4), v.GetElement(5), v.GetElement(6), v.GetElement(7));

    /// <summary>σ(z) = 1 / (1 + e^−z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> z) => Vector256<float>.One / (Vector256<float>.One + Exp(-z));

    /// <summary>
    /// eˣ to about 2 ulp, on whole vectors (the runtime's Vector.Exp is not vectorised and costs more than MathF.Exp
    /// per element). Cephes' expf: x = n·ln 2 + r with |r| ≤ ln2/2, a degree-6 polynomial for eʳ, and 2ⁿ put into
    /// the exponent bits. x is clamped to [−87.3, 88.7], so the result is always a finite normal float.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.33654f)), Vector256.Create(88.72283f));
        var n = Vector256.Floor(x * Vector256.Create(1.44269504088896341f) + Vector256.Create(0.5f));
        var r = x - n * Vector256.Create(0.693359375f) - n * Vector256.Create(-2.12194440e-4f); // ln 2 in two parts: exact n·hi
        var p = Vector256.Create(1.9875691500E-4f);
        p = p * r + Vector256.Create(1.3981999507E-3f);
        p = p * r + Vector256.Create(8.3334519073E-3f);
        p = p * r + Vector256.Create(4.1665795894E-2f);
        p = p * r + Vector256.Create(1.6666665459E-1f);
        p = p * r + Vector256.Create(5.0000001201E-1f);
        p = p * (r * r) + r + Vector256<float>.One;
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23);
        return p * scale.AsSingle();
    }

    /// <summary>
    /// log(1 + t) for t ≥ 0, on whole vectors: Cephes' logf of u = 1 + t, times t / (u − 1) (Goldberg's correction
    /// for the rounding of 1 + t), and t itself where 1 + t rounds to 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log1p(Vector256<float> t)
    {
        var u = Vector256<float>.One + t;
        var bits = u.AsInt32();
        var e = Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(127);
        var m = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000)).AsSingle(); // [1, 2)
        var high = Vector256.GreaterThan(m, Vector256.Create(1.41421356f));
        m = Vector256.ConditionalSelect(high, m * Vector256.Create(0.5f), m); // [√½, √2)
        e -= high.AsInt32(); // a true mask lane is −1
        var f = m - Vector256<float>.One;
        var z = f * f;
        var y = Vector256.Create(7.0376836292E-2f);
        y = y * f + Vector256.Create(-1.1514610310E-1f);
        y = y * f + Vector256.Create(1.1676998740E-1f);
        y = y * f + Vector256.Create(-1.2420140846E-1f);
        y = y * f + Vector256.Create(1.4249322787E-1f);
        y = y * f + Vector256.Create(-1.6668057665E-1f);
        y = y * f + Vector256.Create(2.0000714765E-1f);
        y = y * f + Vector256.Create(-2.4999993993E-1f);
        y = y * f + Vector256.Create(3.3333331174E-1f);
        y = y * f * z;
        var ef = Vector256.ConvertToSingle(e);
        y += ef * Vector256.Create(-2.12194440e-4f);
        y -= Vector256.Create(0.5f) * z;
        var log = f + y + ef * Vector256.Create(0.693359375f);
        var d = u - Vector256<float>.One;
        var exact = Vector256.Equals(d, Vector256<float>.Zero);
        return Vector256.ConditionalSelect(exact, t, log * (t / Vector256.ConditionalSelect(exact, Vector256<float>.One, d)));
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
        for (int b = 0; b < dst.Length; b += RbmLanes.Width)
            Vector256.ConditionalSelect(Vector256.LessThan(Vector256.LoadUnsafe(ref ur, (nuint)b), Vector256.LoadUnsafe(ref pr, (nuint)b)),
                                        Vector256<float>.One, Vector256<float>.Zero).StoreUnsafe(ref d, (nuint)b);
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
    public static Vector256<float> Softplus(Vector256<float> z) =>
        Vector256.Max(z, Vector256<float>.Zero) + Log1p(Exp(-Vector256.Abs(z)));
}
