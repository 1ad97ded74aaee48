using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SetGpu.Cpu;

/// <summary>
/// The inner loop of the forward gather: dst[0..n) = init + Σ_{k in [start, end)} W[perm[k]] · src[index[k]·n .. +n),
/// over a feature-major block with n samples per row. The batch is cut into register tiles (4, then 1 vector,
/// then pairs and a single) and each tile walks the entry list with its accumulators in registers, so no
/// store-to-load chain through memory slows the sum. Summation order per element is fixed: results do not
/// depend on threads.
/// </summary>
internal static class RowGather
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(ref float dst, float init, int start, int end, int[] index, int[] perm, float[] weightArray,
                           ref float src, int n)
    {
        ref int idx = ref MemoryMarshal.GetArrayDataReference(index);
        var weights = new PermutedWeights(weightArray, perm);
        int width = Vector<float>.Count, b = 0;
        for (; b + 4 * width <= n; b += 4 * width)
        {
            Vector<float> a0 = new(init), a1 = a0, a2 = a0, a3 = a0;
            for (int k = start; k < end; k++)
            {
                var w = new Vector<float>(weights[k]);
                ref float s = ref Unsafe.Add(ref src, Unsafe.Add(ref idx, k) * n + b);
                a0 += w * Vector.LoadUnsafe(ref s);
                a1 += w * Vector.LoadUnsafe(ref Unsafe.Add(ref s, width));
                a2 += w * Vector.LoadUnsafe(ref Unsafe.Add(ref s, 2 * width));
                a3 += w * Vector.LoadUnsafe(ref Unsafe.Add(ref s, 3 * width));
            }
            ref float d = ref Unsafe.Add(ref dst, b);
            a0.StoreUnsafe(ref d);
            a1.StoreUnsafe(ref Unsafe.Add(ref d, width));
            a2.StoreUnsafe(ref Unsafe.Add(ref d, 2 * width));
            a3.StoreUnsafe(ref Unsafe.Add(ref d, 3 * width));
        }
        for (; b + width <= n; b += width)
        {
            Vector<float> a0 = new(init);
            for (int k = start; k < end; k++)
                a0 += new Vector<float>(weights[k]) * Vector.LoadUnsafe(ref Unsafe.Add(ref src, Unsafe.Add(ref idx, k) * n + b));
            a0.StoreUnsafe(ref Unsafe.Add(ref dst, b));
        }
        for (; b + 2 <= n; b += 2)
        {
            // Two entries per iteration into separate sums: halves the add-latency chain that bounds small batches.
            float s0 = init, s1 = init, t0 = 0f, t1 = 0f;
            int k = start;
            for (; k + 1 < end; k += 2)
            {
                float w = weights[k], v = weights[k + 1];
                ref float s = ref Unsafe.Add(ref src, Unsafe.Add(ref idx, k) * n + b);
                ref float t = ref Unsafe.Add(ref src, Unsafe.Add(ref idx, k + 1) * n + b);
                s0 += w * s;
                s1 += w * Unsafe.Add(ref s, 1);
                t0 += v * t;
                t1 += v * Unsafe.Add(ref t, 1);
            }
            if (k < end)
            {
                float w = weights[k];
                ref float s = ref Unsafe.Add(ref src, Unsafe.Add(ref idx, k) * n + b);
                s0 += w * s;
                s1 += w * Unsafe.Add(ref s, 1);
            }
            Unsafe.Add(ref dst, b) = s0 + t0;
            Unsafe.Add(ref dst, b + 1) = s1 + t1;
        }
        if (b < n)
        {
            float s0 = init;
            for (int k = start; k < end; k++)
                s0 += weights[k] * Unsafe.Add(ref src, Unsafe.Add(ref idx, k) * n + b);
            Unsafe.Add(ref dst, b) = s0;
        }
    }
}

/// <summary>Entry t's weight is weights[perm[t]]: reads through the incoming index's permutation map.</summary>
internal readonly struct PermutedWeights(float[] weights, int[] perm)
{
    public float this[int entry]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(weights),
                          Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(perm), entry));
    }
}
