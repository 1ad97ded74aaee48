using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
/// past; padding lanes hold zeros in the visible blocks, so they add nothing.
/// </summary>
internal static class CdUpdate
{
    public static void Run(SparseLayer weights, float[] vData, float[] hData, float[] vModel, float[] hModel, int stride, int batch,
                           RbmStep step) =>
        ParallelRows.For(weights.Inputs, (long)weights.Connections * stride * 2,
            new Kernel(weights, vData, hData, vModel, hModel, stride, 1f / batch, step));

    /// <summary>Visible and hidden biases: g = mean over the batch of (data − model) states.</summary>
    public static void Biases(float[] bias, float[] velocity, float[] data, float[] model, int stride, int batch, RbmStep step)
    {
        float invBatch = 1f / batch;
        for (int u = 0; u < bias.Length; u++)
        {
            float g = 0f;
            int row = u * stride;
            for (int b = 0; b < batch; b++) g += data[row + b] - model[row + b];
            bias[u] = step.Apply(bias[u], ref velocity[u], g * invBatch);
        }
    }

    readonly struct Kernel(SparseLayer layer, float[] vData, float[] hData, float[] vModel, float[] hModel, int stride,
                           float invBatch, RbmStep step) : IRowKernel
    {
        readonly int[] _offsets = layer.Pattern.Offsets, _columns = layer.Pattern.Columns;
        readonly float[] _w = layer.Weights, _velocity = layer.WeightVelocity;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int start, int end)
        {
            ref int columns = ref MemoryMarshal.GetArrayDataReference(_columns);
            ref float w = ref MemoryMarshal.GetArrayDataReference(_w);
            ref float vel = ref MemoryMarshal.GetArrayDataReference(_velocity);
            ref float hd = ref MemoryMarshal.GetArrayDataReference(hData);
            ref float hm = ref MemoryMarshal.GetArrayDataReference(hModel);
            int width = Vector<float>.Count;
            for (int i = start; i < end; i++)
            {
                int kStart = _offsets[i], kEnd = _offsets[i + 1];
                ref float vd = ref MemoryMarshal.GetArrayDataReference(vData);
                vd = ref Unsafe.Add(ref vd, i * stride);
                ref float vm = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(vModel), i * stride);
                if (stride == width)
                {
                    var d0 = Vector.LoadUnsafe(ref vd);
                    var m0 = Vector.LoadUnsafe(ref vm);
                    for (int k = kStart; k < kEnd; k++)
                    {
                        int j = Unsafe.Add(ref columns, k) * stride;
                        var s = d0 * Vector.LoadUnsafe(ref hd, (nuint)j) - m0 * Vector.LoadUnsafe(ref hm, (nuint)j);
                        ref float wk = ref Unsafe.Add(ref w, k);
                        wk = step.Apply(wk, ref Unsafe.Add(ref vel, k), Vector.Sum(s) * invBatch);
                    }
                }
                else if (stride == 2 * width)
                {
                    var d0 = Vector.LoadUnsafe(ref vd);
                    var d1 = Vector.LoadUnsafe(ref vd, (nuint)width);
                    var m0 = Vector.LoadUnsafe(ref vm);
                    var m1 = Vector.LoadUnsafe(ref vm, (nuint)width);
                    for (int k = kStart; k < kEnd; k++)
                    {
                        int j = Unsafe.Add(ref columns, k) * stride;
                        var s = d0 * Vector.LoadUnsafe(ref hd, (nuint)j) + d1 * Vector.LoadUnsafe(ref hd, (nuint)(j + width))
                              - m0 * Vector.LoadUnsafe(ref hm, (nuint)j) - m1 * Vector.LoadUnsafe(ref hm, (nuint)(j + width));
                        ref float wk = ref Unsafe.Add(ref w, k);
                        wk = step.Apply(wk, ref Unsafe.Add(ref vel, k), Vector.Sum(s) * invBatch);
                    }
                }
                else
                    for (int k = kStart; k < kEnd; k++)
                    {
                        int j = Unsafe.Add(ref columns, k) * stride;
                        var s = Vector<float>.Zero;
                        for (int b = 0; b < stride; b += width)
                            s += Vector.LoadUnsafe(ref vd, (nuint)b) * Vector.LoadUnsafe(ref hd, (nuint)(j + b))
                               - Vector.LoadUnsafe(ref vm, (nuint)b) * Vector.LoadUnsafe(ref hm, (nuint)(j + b));
                        ref float wk = ref Unsafe.Add(ref w, k);
                        wk = step.Apply(wk, ref Unsafe.Add(ref vel, k), Vector.Sum(s) * invBatch);
                    }
            }
        }
    }
}
