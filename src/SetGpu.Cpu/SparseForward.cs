using SetGpu.Sparse;
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
/// The forward pass of one layer (SpMM as a gather): for each output neuron j and sample b,
/// z[j,b] = bias[j] + Σ_{(i,k) incoming to j} W[k]·x[i, b], then a = f(z), then dropout. Activations are
/// feature-major (neuron × batch, the batch contiguous), so each connection is one vectorised multiply-add over
/// the batch. Weights are only read here, through the incoming index's permutation map.
/// </summary>
internal static class SparseForward
{
    public static void Run(SparseLayer layer, IncomingIndex incoming, float[] input, float[] z, float[] a, int batch,
                           DropoutSpec? dropout) =>
        ParallelRows.For(layer.Outputs, (long)layer.Connections * batch, new Kernel(layer, incoming, input, z, a, batch, dropout));

    readonly struct Kernel(SparseLayer layer, IncomingIndex incoming, float[] input, float[] z, float[] a, int batch,
                           DropoutSpec? dropout) : IRowKernel
    {
        readonly float[] _weights = layer.Weights, _bias = layer.Bias;
        readonly LayerActivation _activation = layer.Activation;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int start, int end)
        {
            ref float x = ref MemoryMarshal.GetArrayDataReference(input);
            ref float zBase = ref MemoryMarshal.GetArrayDataReference(z);
            ref float aBase = ref MemoryMarshal.GetArrayDataReference(a);
            int[] offsets = incoming.Offsets, inputs = incoming.Inputs;
            var (kind, slope) = (_activation.Kind, _activation.Slope);
            for (int j = start; j < end; j++)
            {
                ref float zRow = ref Unsafe.Add(ref zBase, j * batch);
                RowGather.Run(ref zRow, _bias[j], offsets[j], offsets[j + 1], inputs, incoming.WeightIndex, _weights, ref x, batch);
                if (kind == ActivationKind.Softmax) continue; // applied over the whole layer by OutputLayer
                ref float aRow = ref Unsafe.Add(ref aBase, j * batch);
                for (int b = 0; b < batch; b++)
                {
                    float v = ActivationMath.Apply(kind, slope, Unsafe.Add(ref zRow, b));
                    if (dropout is { } d) v *= DropoutMask.Factor(d.Key, j, b, batch, d.Rate, d.KeepScale);
                    Unsafe.Add(ref aRow, b) = v;
                }
            }
        }
    }
}
