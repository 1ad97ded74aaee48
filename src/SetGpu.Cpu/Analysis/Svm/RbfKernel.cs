using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;

namespace SetGpu.Analysis;

/// <summary>
/// The RBF kernel exp(−γ‖x − z‖²) between rows of dense row-major matrices. The squared distance is summed directly
/// (not as ‖x‖² + ‖z‖² − 2x·z, which cancels for near points) in SIMD lanes of floats; a row of many values is split
/// over threads, since one kernel row is what each solver iteration waits for.
/// </summary>
internal sealed class RbfKernel(float[] rows, int count, int features, double gamma, int threads)
{
    /// <summary>Below this many multiply-adds a row is computed on one thread: the hand-off costs more.</summary>
    const long ParallelWork = 1 << 16;

    public int Count => count;
    public int Features => features;
    public double Gamma => gamma;

    /// <summary>K(row <paramref name="i"/>, row t) for every t into <paramref name="into"/>.</summary>
    public void Row(int i, float[] into) => Against(rows.AsSpan(i * features, features).ToArray(), into);

    /// <summary>K(<paramref name="x"/>, row t) for every row t into <paramref name="into"/> (length <see cref="Count"/>).</summary>
    public void Against(float[] x, float[] into)
    {
        if ((long)count * features < ParallelWork || threads == 1)
        {
            Fill(x, into, 0, count);
            return;
        }
        int chunk = Math.Max(64, count / (4 * Environment.ProcessorCount));
        Parallel.ForEach(Partitioner.Create(0, count, chunk), new ParallelOptions { MaxDegreeOfParallelism = threads <= 0 ? -1 : threads },
            range => Fill(x, into, range.Item1, range.Item2));
    }

    void Fill(float[] x, float[] into, int from, int to)
    {
        for (int t = from; t < to; t++)
            into[t] = (float)Math.Exp(-gamma * SquaredDistance(x, rows.AsSpan(t * features, features)));
    }

    /// <summary>‖a − b‖², summed in SIMD lanes then across them.</summary>
    public static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length, i = 0;
        var acc = Vector<float>.Zero;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (int v = 0; v < va.Length; v++)
            {
                var d = va[v] - vb[v];
                acc += d * d;
            }
            i = va.Length * Vector<float>.Count;
        }
        double sum = Vector.Sum(acc);
        for (; i < n; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
