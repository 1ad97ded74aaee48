using System.Numerics;
using System.Runtime.CompilerServices;

namespace SetGpu.Cpu;

/// <summary>Vectorised primitives over the batch dimension of feature-major activations.</summary>
internal static class BatchMath
{
    /// <summary>Σ a[i]·b[i] over [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ref float a, ref float b, int n)
    {
        int i = 0;
        float sum = 0f;
        if (n >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                acc += Vector.LoadUnsafe(ref Unsafe.Add(ref a, i)) * Vector.LoadUnsafe(ref Unsafe.Add(ref b, i));
            sum = Vector.Sum(acc);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        return sum;
    }
}
