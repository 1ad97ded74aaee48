using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SetGpu.Rbm;

namespace SetGpu.Cpu.Rbm;

/// <summary>
/// Hidden states h ~ Bernoulli(σ(z)) for the first <c>batch</c> lanes (counter (sampleOffset + lane)·hidden + j),
/// zeros in the padding lanes so that they add nothing to the weight gradients. Optionally keeps z (for free energies).
/// </summary>
internal readonly struct SampleHidden(float[] states, int batch, int hidden, ulong key, long sampleOffset, float[]? pre = null)
    : IRowEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(int row, Span<float> acc)
    {
        int stride = acc.Length;
        if (pre is not null) acc.CopyTo(pre.AsSpan(row * stride, stride));
        ref float a = ref MemoryMarshal.GetReference(acc);
        for (int b = 0; b < stride; b += RbmLanes.Width)
            RbmVectorMath.Sigmoid(Vector256.LoadUnsafe(ref a, (nuint)b)).StoreUnsafe(ref a, (nuint)b);
        var u = RbmVectorMath.Scratch(stride);
        RbmVectorMath.LaneUniforms(key, RbmSampling.Counter(sampleOffset, hidden, row), (ulong)hidden, batch, u);
        RbmVectorMath.Bernoulli(u, acc, states.AsSpan(row * stride, stride));
    }
}

/// <summary>Hidden probabilities σ(z) of the first <c>batch</c> lanes (features for a classifier), zeros beyond.</summary>
internal readonly struct HiddenProbability(float[] probabilities, int batch) : IRowEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(int row, Span<float> acc)
    {
        int stride = acc.Length;
        ref float p = ref probabilities[row * stride];
        ref float a = ref MemoryMarshal.GetReference(acc);
        for (int b = 0; b < stride; b += RbmLanes.Width)
            RbmVectorMath.Sigmoid(Vector256.LoadUnsafe(ref a, (nuint)b)).StoreUnsafe(ref p, (nuint)b);
        probabilities.AsSpan(row * stride + batch, stride - batch).Clear();
    }
}

/// <summary>
/// One AIS step's hidden side at β_k: the change of the log target, softplus(β_k·z) − softplus(β_{k−1}·z), per lane,
/// and (below the last β) h ~ Bernoulli(σ(β_k·z)) for the first <c>runs</c> lanes.
/// </summary>
internal readonly struct AisHidden(float[] delta, float[]? states, int runs, int hidden, ulong key, float beta, float previousBeta)
    : IRowEpilogue
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(int row, Span<float> acc)
    {
        int stride = acc.Length;
        ref float a = ref MemoryMarshal.GetReference(acc);
        ref float d = ref delta[row * stride];
        var bk = Vector256.Create(beta);
        var bPrev = Vector256.Create(previousBeta);
        for (int b = 0; b < stride; b += RbmLanes.Width)
        {
            var z = Vector256.LoadUnsafe(ref a, (nuint)b);
            (RbmVectorMath.Softplus(bk * z) - RbmVectorMath.Softplus(bPrev * z)).StoreUnsafe(ref d, (nuint)b);
            RbmVectorMath.Sigmoid(bk * z).StoreUnsafe(ref a, (nuint)b);
        }
        if (states is null) return;
        var u = RbmVectorMath.Scratch(stride);
        RbmVectorMath.LaneUniforms(key, RbmSampling.Counter(0, hidden, row), (ulong)hidden, runs, u);
        RbmVectorMath.Bernoulli(u, acc, states.AsSpan(row * stride, stride));
    }
}
