using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cpu;

/// <summary>
/// The weight gradient at existing connections only (SDDMM: g[k] = mean_b δ[j,b]·x[col[k], b]) fused with the
/// momentum update and decoupled weight decay, so the gradient is never stored:
/// v ← μ·v − η·g;  w ← w + v − λ·w  (Nesterov: w ← w + μ·v − η·g − λ·w). Biases likewise.
/// </summary>
internal static class WeightUpdate
{
    public static void Run(SparseLayer layer, float[] deltaOut, float[] input, int batch, TrainingOptions options)
    {
        int[] offsets = layer.Pattern.Offsets, columns = layer.Pattern.Columns;
        float[] w = layer.Weights, v = layer.WeightVelocity, bias = layer.Bias, bv = layer.BiasVelocity;
        float lr = options.LearningRate, mu = options.Momentum, decay = options.WeightDecay, invBatch = 1f / batch;
        bool nesterov = options.Nesterov;
        ParallelRows.For(layer.Outputs, (long)columns.Length * batch, (start, end) =>
        {
            ref float x = ref MemoryMarshal.GetArrayDataReference(input);
            ref float dBase = ref MemoryMarshal.GetArrayDataReference(deltaOut);
            ref float wBase = ref MemoryMarshal.GetArrayDataReference(w);
            ref float vBase = ref MemoryMarshal.GetArrayDataReference(v);
            ref int col = ref MemoryMarshal.GetArrayDataReference(columns);
            for (int j = start; j < end; j++)
            {
                ref float d = ref Unsafe.Add(ref dBase, j * batch);
                for (int k = offsets[j]; k < offsets[j + 1]; k++)
                {
                    float g = BatchMath.Dot(ref d, ref Unsafe.Add(ref x, Unsafe.Add(ref col, k) * batch), batch) * invBatch;
                    ref float wk = ref Unsafe.Add(ref wBase, k);
                    wk = Step(wk, ref Unsafe.Add(ref vBase, k), g, lr, mu, decay, nesterov);
                }
                float gb = 0f;
                for (int b = 0; b < batch; b++) gb += Unsafe.Add(ref d, b);
                bias[j] = Step(bias[j], ref bv[j], gb * invBatch, lr, mu, decay, nesterov);
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float Step(float w, ref float velocity, float g, float lr, float mu, float decay, bool nesterov)
    {
        float vNew = mu * velocity - lr * g;
        velocity = vNew;
        return w + (nesterov ? mu * vNew - lr * g : vNew) - decay * w;
    }
}
