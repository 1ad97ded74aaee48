using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cpu;

/// <summary>Dropout of one hidden layer at one step, or none.</summary>
internal readonly record struct DropoutSpec(ulong Key, float Rate)
{
    public float KeepScale => 1f / (1f - Rate);
}

/// <summary>
/// The forward pass of one layer (SpMM, CSR gather): for each output neuron j and sample b,
/// z[j,b] = bias[j] + Σ_k W[k]·x[col[k], b], then a = f(z), then dropout. Activations are feature-major
/// (neuron × batch, the batch contiguous), so each connection is one vectorised axpy over the batch.
/// </summary>
internal static class SparseForward
{
    public static void Run(SparseLayer layer, float[] input, float[] z, float[] a, int batch, DropoutSpec? dropout)
    {
        int[] offsets = layer.Pattern.Offsets, columns = layer.Pattern.Columns;
        var weights = new DirectWeights(layer.Weights);
        var bias = layer.Bias;
        var act = layer.Activation;
        ParallelRows.For(layer.Outputs, (long)columns.Length * batch, (start, end) =>
        {
            ref float x = ref MemoryMarshal.GetArrayDataReference(input);
            ref float zBase = ref MemoryMarshal.GetArrayDataReference(z);
            ref float aBase = ref MemoryMarshal.GetArrayDataReference(a);
            for (int j = start; j < end; j++)
            {
                ref float zRow = ref Unsafe.Add(ref zBase, j * batch);
                RowGather.Run(ref zRow, bias[j], offsets[j], offsets[j + 1], columns, weights, ref x, batch);
                if (act.Kind == ActivationKind.Softmax) continue;
                ref float aRow = ref Unsafe.Add(ref aBase, j * batch);
                for (int b = 0; b < batch; b++)
                {
                    float v = ActivationMath.Apply(act.Kind, act.Slope, Unsafe.Add(ref zRow, b));
                    if (dropout is { } d) v *= DropoutMask.Factor(d.Key, j, b, batch, d.Rate, d.KeepScale);
                    Unsafe.Add(ref aRow, b) = v;
                }
            }
        });
    }
}
