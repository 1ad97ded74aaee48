using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SetGpu.Rbm;

namespace SetGpu.Cpu.Rbm;

/// <summary>
/// Visible reconstructions: the mean E[v | h], σ(a) for Bernoulli units or a itself for Gaussian ones, in the
/// first <c>batch</c> lanes of <c>means</c> (zeros beyond). Optionally also sampled states (counter lane·visible + i)
/// and the row's squared error against the data, Σ_lanes (data − mean)² (in float over the row's lanes; the rows are
/// summed later in double, in row order).
/// </summary>
internal readonly struct VisibleMean(float[] means, float[]? samples, float[]? data, double[]? errors, bool gaussian, int batch,
                                     int visible, ulong key) : IRowEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(int row, Span<float> acc)
    {
        int stride = acc.Length;
        ref float a = ref MemoryMarshal.GetReference(acc);
        ref float means0 = ref means[row * stride];
        var lanes = Vector256<int>.Indices;
        var error = Vector256<float>.Zero;
        for (int b = 0; b < stride; b += RbmLanes.Width)
        {
            var mean = Vector256.LoadUnsafe(ref a, (nuint)b);
            if (!gaussian) mean = RbmVectorMath.Sigmoid(mean);
            mean = Vector256.ConditionalSelect(Vector256.LessThan(lanes + Vector256.Create(b), Vector256.Create(batch)).AsSingle(),
                                               mean, Vector256<float>.Zero);
            mean.StoreUnsafe(ref means0, (nuint)b);
            if (data is not null)
            {
                var d = Vector256.LoadUnsafe(ref data[row * stride + b]) - mean; // both zero in the padding lanes
                error += d * d;
            }
        }
        if (data is not null) errors![row] = RbmVectorMath.Sum(error);
        var m = means.AsSpan(row * stride, stride);
        if (samples is null) return;
        var s = samples.AsSpan(row * stride, stride);
        if (!gaussian)
        {
            var u = RbmVectorMath.Scratch(stride);
            RbmVectorMath.LaneUniforms(key, RbmSampling.Counter(0, visible, row), (ulong)visible, batch, u);
            RbmVectorMath.Bernoulli(u, m, s);
            return;
        }
        for (int b = 0; b < batch; b++) s[b] = m[b] + RbmSampling.StandardNormal(key, RbmSampling.Counter(b, visible, row));
        s[batch..].Clear();
    }
}

/// <summary>
/// One AIS transition's visible side at β: v ~ Bernoulli(σ(m)) or N(m, 1) with m = (1 − β)·b_A + β·(b + W h) for the
/// first <c>runs</c> lanes, zeros beyond.
/// </summary>
internal readonly struct AisVisible(float[] states, float[] baseBias, bool gaussian, float beta, int runs, int visible, ulong key)
    : IRowEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(int row, Span<float> acc)
    {
        int stride = acc.Length;
        ref float a = ref MemoryMarshal.GetReference(acc);
        var bk = Vector256.Create(beta);
        var offset = Vector256.Create((1 - beta) * baseBias[row]);
        for (int b = 0; b < stride; b += RbmLanes.Width)
        {
            var m = offset + bk * Vector256.LoadUnsafe(ref a, (nuint)b);
            (gaussian ? m : RbmVectorMath.Sigmoid(m)).StoreUnsafe(ref a, (nuint)b);
        }
        var v = states.AsSpan(row * stride, stride);
        if (!gaussian)
        {
            var u = RbmVectorMath.Scratch(stride);
            RbmVectorMath.LaneUniforms(key, RbmSampling.Counter(0, visible, row), (ulong)visible, runs, u);
            RbmVectorMath.Bernoulli(u, acc, v);
            return;
        }
        for (int b = 0; b < runs; b++) v[b] = acc[b] + RbmSampling.StandardNormal(key, RbmSampling.Counter(b, visible, row));
        v[runs..].Clear();
    }
}
