using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SetGpu.Model;

namespace SetGpu.Cpu.Rbm;

/// <summary>The optimiser of an RBM step: Δ ← μ·Δ + η·g;  θ ← θ + Δ − λ·θ (with μ = 0 exactly the reference's θ += η·g − λ·θ).</summary>
internal readonly record struct RbmStep(float LearningRate, float Momentum, float WeightDecay)
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(float theta, ref float velocity, float gradient)
    {
        float v = Momentum * velocity + LearningRate * gradient;
        velocity = v;
        return theta + v - WeightDecay * theta;
    }
}

/// <summary>
/// The contrastive-divergence weight update at the existing connections only, both statistics as sampled
/// dense-dense products over the CSR pattern (SDDMM) fused into one sweep with the optimiser step:
/// <code>
///   for each connection k = (i, j):  g = Σ_b (v⁰[i,b]·h⁰[j,b] − vᵏ[i,b]·hᵏ[j,b]) / B;   W[k] ← step(W[k], g)
/// </code>
/// One thread owns each visible row i, whose two data rows stay in registers while the row's connections stream
/// past; padding lanes hold zeros in the visible blocks, so they add nothing. Lanes are summed in the order
/// <see cref="RbmLanes"/> fixes. Device twin: <c>CdUpdateKernels</c>.
/// </summary>
internal static class CdUpdate
{
    public static void Run(SparseLayer weights, float[] vData, float[] hData, float[] vModel, float[] hModel, int stride, int batch,
                           RbmStep step) =>
        RbmParallel.For(weights.Inputs, (long)weights.Connections * stride * 2,
            new Kernel(weights, vData, hData, vModel, hModel, stride, 1f / batch, step));

    /// <summary>Visible and hidden biases: g = mean over the batch of (data − model) states, lanes summed as <see cref="RbmLanes"/> says.</summary>
    public static void Biases(float[] bias, float[] velocity, float[] data, float[] model, int stride, int batch, RbmStep step)
    {
        float invBatch = 1f / batch;
        for (int u = 0; u < bias.Length; u++)
        {
            var g = Vector256<float>.Zero; // padding lanes are zero in both blocks
            for (int b = u * stride, end = b + stride; b < end; b += RbmLanes.Width)
                g += Vector256.LoadUnsafe(ref data[b]) - Vector256.LoadUnsafe(ref model[b]);
            bias[u] = step.Apply(bias[u], ref velocity[u], RbmVectorMath.Sum(g) * invBatch);
        }
    }

    readonly struct Kernel(SparseLayer layer, float[] vData, float[] hData, float[] vModel, float[] hModel, int stride,
                           float invBatch, RbmStep step) : IRowKernel
    {
        readonly int[] _offsets = layer.Pattern.Offsets, _columns = layer.Pattern.Columns;
        readonly float[] _w = layer.Weights, _velocity = layer.WeightVelocity;

        /// <summary>The contract's two orders (<see cref="RbmLanes.FoldsRate"/>); with AVX the short one 8 connections at a time.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int start, int end)
        {
            if (!RbmLanes.FoldsRate(stride)) ExecuteLong(start, end);
            else if (Avx.IsSupported) ExecuteAvx(start, end);
            else ExecuteShort(start, end);
        }

        /// <summary>Strides of three groups or more: per-lane sums over the groups, <see cref="RbmVectorMath.Sum"/>, ×1/B, then the step.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void ExecuteLong(int start, int end)
        {
            ref int columns = ref MemoryMarshal.GetArrayDataReference(_columns);
            ref float w = ref MemoryMarshal.GetArrayDataReference(_w);
            ref float vel = ref MemoryMarshal.GetArrayDataReference(_velocity);
            ref float hd = ref MemoryMarshal.GetArrayDataReference(hData);
            ref float hm = ref MemoryMarshal.GetArrayDataReference(hModel);
            for (int i = start; i < end; i++)
            {
                int kStart = _offsets[i], kEnd = _offsets[i + 1];
                ref float vd = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(vData), i * stride);
                ref float vm = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(vModel), i * stride);
                for (int k = kStart; k < kEnd; k++)
                {
                    int j = Unsafe.Add(ref columns, k) * stride;
                    var s = Vector256<float>.Zero;
                    for (int b = 0; b < stride; b += RbmLanes.Width)
                        s += Vector256.LoadUnsafe(ref vd, (nuint)b) * Vector256.LoadUnsafe(ref hd, (nuint)(j + b))
                           - Vector256.LoadUnsafe(ref vm, (nuint)b) * Vector256.LoadUnsafe(ref hm, (nuint)(j + b));
                    ref float wk = ref Unsafe.Add(ref w, k);
                    wk = step.Apply(wk, ref Unsafe.Add(ref vel, k), RbmVectorMath.Sum(s) * invBatch);
                }
            }
        }

        /// <summary>
        /// Strides of one or two groups without AVX: a connection at a time, the same lane products, sum and folded
        /// rate η/B as <see cref="ExecuteAvx"/>, so the bits do not depend on the host.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void ExecuteShort(int start, int end)
        {
            ref int columns = ref MemoryMarshal.GetArrayDataReference(_columns);
            ref float w = ref MemoryMarshal.GetArrayDataReference(_w);
            ref float vel = ref MemoryMarshal.GetArrayDataReference(_velocity);
            ref float hd = ref MemoryMarshal.GetArrayDataReference(hData);
            ref float hm = ref MemoryMarshal.GetArrayDataReference(hModel);
            bool two = stride == 2 * RbmLanes.Width;
            float rate = step.LearningRate * invBatch;
            for (int i = start; i < end; i++)
            {
                int kEnd = _offsets[i + 1];
                var r = RowStatistics.Of(vData, vModel, i, stride, two, kEnd);
                for (int k = _offsets[i]; k < kEnd; k++)
                {
                    float g = RbmVectorMath.Sum(r.At(ref columns, ref hd, ref hm, k));
                    ref float wk = ref Unsafe.Add(ref w, k);
                    ref float vk = ref Unsafe.Add(ref vel, k);
                    float v = step.Momentum * vk + rate * g;
                    vk = v;
                    wk = wk + v - step.WeightDecay * wk;
                }
            }
        }

        /// <summary>
        /// 8 connections at a time: their 8 lane-vectors of products are summed by one horizontal-add tree into one
        /// vector of 8 gradients, and the optimiser steps 8 weights at once (a row's last few connections go
        /// through the same tree with zero vectors, so a connection's sum never depends on its place in the row).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void ExecuteAvx(int start, int end)
        {
            ref int columns = ref MemoryMarshal.GetArrayDataReference(_columns);
            ref float w = ref MemoryMarshal.GetArrayDataReference(_w);
            ref float vel = ref MemoryMarshal.GetArrayDataReference(_velocity);
            ref float hd = ref MemoryMarshal.GetArrayDataReference(hData);
            ref float hm = ref MemoryMarshal.GetArrayDataReference(hModel);
            bool two = stride == 16;
            var lr = Vector256.Create(step.LearningRate * invBatch);
            var mu = Vector256.Create(step.Momentum);
            var decay = Vector256.Create(step.WeightDecay);
            Span<float> tail = stackalloc float[8];
            for (int i = start; i < end; i++)
            {
                int kStart = _offsets[i], kEnd = _offsets[i + 1];
                var r = RowStatistics.Of(vData, vModel, i, stride, two, kEnd);
                for (int k = kStart; k < kEnd; k += 8)
                {
                    var g = Sum8(r.At(ref columns, ref hd, ref hm, k), r.At(ref columns, ref hd, ref hm, k + 1),
                                 r.At(ref columns, ref hd, ref hm, k + 2), r.At(ref columns, ref hd, ref hm, k + 3),
                                 r.At(ref columns, ref hd, ref hm, k + 4), r.At(ref columns, ref hd, ref hm, k + 5),
                                 r.At(ref columns, ref hd, ref hm, k + 6), r.At(ref columns, ref hd, ref hm, k + 7));
                    if (k + 8 <= kEnd)
                    {
                        ref float wk = ref Unsafe.Add(ref w, k);
                        ref float vk = ref Unsafe.Add(ref vel, k);
                        var theta = Vector256.LoadUnsafe(ref wk);
                        var v = mu * Vector256.LoadUnsafe(ref vk) + lr * g;
                        v.StoreUnsafe(ref vk);
                        (theta + v - decay * theta).StoreUnsafe(ref wk);
                    }
                    else
                    {
                        g.CopyTo(tail);
                        for (int t = 0; k + t < kEnd; t++)
                        {
                            ref float wk = ref Unsafe.Add(ref w, k + t);
                            ref float vk = ref Unsafe.Add(ref vel, k + t);
                            float v = step.Momentum * vk + step.LearningRate * invBatch * tail[t];
                            vk = v;
                            wk = wk + v - step.WeightDecay * wk;
                        }
                    }
                }
            }
        }

        /// <summary>One visible row's data and model states (one or two groups each), against which connections are scored.</summary>
        readonly struct RowStatistics(Vector256<float> d0, Vector256<float> d1, Vector256<float> m0, Vector256<float> m1, int stride,
                                      bool two, int kEnd)
        {
            /// <summary>Row <paramref name="i"/> of the data and model blocks (a stride of one or two groups).</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static RowStatistics Of(float[] vData, float[] vModel, int i, int stride, bool two, int kEnd)
            {
                ref float vdRow = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(vData), i * stride);
                ref float vmRow = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(vModel), i * stride);
                return new RowStatistics(Vector256.LoadUnsafe(ref vdRow), two ? Vector256.LoadUnsafe(ref vdRow, 8) : Vector256<float>.Zero,
                                         Vector256.LoadUnsafe(ref vmRow), two ? Vector256.LoadUnsafe(ref vmRow, 8) : Vector256<float>.Zero,
                                         stride, two, kEnd);
            }

            /// <summary>The lane products v⁰·h⁰ − vᵏ·hᵏ of connection k (zeros past the row's end).</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Vector256<float> At(ref int columns, ref float hd, ref float hm, int k)
            {
                if (k >= kEnd) return Vector256<float>.Zero;
                int j = Unsafe.Add(ref columns, k) * stride;
                var p = d0 * Vector256.LoadUnsafe(ref hd, (nuint)j) - m0 * Vector256.LoadUnsafe(ref hm, (nuint)j);
                if (two) p += d1 * Vector256.LoadUnsafe(ref hd, (nuint)(j + 8)) - m1 * Vector256.LoadUnsafe(ref hm, (nuint)(j + 8));
                return p;
            }
        }

        /// <summary>The lane sums of eight vectors, as one vector: [Σs0, Σs1, …, Σs7].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector256<float> Sum8(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3,
                                     Vector256<float> s4, Vector256<float> s5, Vector256<float> s6, Vector256<float> s7)
        {
            var u0 = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3)); // per 128-bit half: Σ of s0..s3's quarter
            var u1 = Avx.HorizontalAdd(Avx.HorizontalAdd(s4, s5), Avx.HorizontalAdd(s6, s7));
            return Avx.Permute2x128(u0, u1, 0x20) + Avx.Permute2x128(u0, u1, 0x31);
        }
    }
}
