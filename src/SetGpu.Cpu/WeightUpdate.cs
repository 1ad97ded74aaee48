using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cpu;

/// <summary>
/// The weight gradient at existing connections only (SDDMM in CSR row order: g[k] = mean_b δ[j,b]·x[col[k], b])
/// fused with the optimiser step, so the gradient is never stored; biases too. Used for the first layer, whose
/// input deltas are not needed; deeper layers use <see cref="BackwardUpdate"/>.
/// </summary>
internal static class WeightUpdate
{
    public static void Run(SparseLayer layer, float[] deltaOut, float[] input, int batch, TrainingOptions options) =>
        ParallelRows.For(layer.Outputs, (long)layer.Connections * batch, new Kernel(layer, deltaOut, input, batch, new OptimizerStep(options)));

    readonly struct Kernel(SparseLayer layer, float[] deltaOut, float[] input, int batch, OptimizerStep step) : IRowKernel
    {
        readonly int[] _offsets = layer.Pattern.Offsets, _columns = layer.Pattern.Columns;
        readonly float[] _w = layer.Weights, _v = layer.WeightVelocity;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int start, int end)
        {
            float invBatch = 1f / batch;
            ref float x = ref MemoryMarshal.GetArrayDataReference(input);
            ref float dBase = ref MemoryMarshal.GetArrayDataReference(deltaOut);
            ref float wBase = ref MemoryMarshal.GetArrayDataReference(_w);
            ref float vBase = ref MemoryMarshal.GetArrayDataReference(_v);
            ref int col = ref MemoryMarshal.GetArrayDataReference(_columns);
            for (int j = start; j < end; j++)
            {
                ref float d = ref Unsafe.Add(ref dBase, j * batch);
                int kEnd = _offsets[j + 1];
                if (batch == 2) // the reference's batch size: both deltas stay in registers
                {
                    float d0 = d * invBatch, d1 = Unsafe.Add(ref d, 1) * invBatch;
                    for (int k = _offsets[j]; k < kEnd; k++)
                    {
                        ref float xs = ref Unsafe.Add(ref x, Unsafe.Add(ref col, k) * 2);
                        ref float wk = ref Unsafe.Add(ref wBase, k);
                        wk = step.Apply(wk, ref Unsafe.Add(ref vBase, k), d0 * xs + d1 * Unsafe.Add(ref xs, 1));
                    }
                }
                else
                {
                    for (int k = _offsets[j]; k < kEnd; k++)
                    {
                        float g = BatchMath.Dot(ref d, ref Unsafe.Add(ref x, Unsafe.Add(ref col, k) * batch), batch) * invBatch;
                        ref float wk = ref Unsafe.Add(ref wBase, k);
                        wk = step.Apply(wk, ref Unsafe.Add(ref vBase, k), g);
                    }
                }
            }
        }
    }
}
