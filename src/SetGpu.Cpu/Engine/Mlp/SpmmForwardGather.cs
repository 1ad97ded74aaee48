using SetGpu.Sparse;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SetGpu.Model;

namespace SetGpu.Cpu;

/// <summary>
/// The forward pass of one layer (SpMM as a gather): for each output neuron j and sample b,
/// z[j,b] = bias[j] + Σ_{(i,k) incoming to j} W[k]·x[i, b], then a = f(z), then dropout. Activations are
/// feature-major (neuron × batch, the batch contiguous), so each connection is one vectorised multiply-add over
/// the batch. Weights are only read here, through the incoming index's permutation map: one random read per
/// connection, which a large batch repays; small batches take <see cref="SpmmForwardScatter"/> instead. Device twin:
/// <c>SpmmForwardKernel</c> (the forward SpMM family).
/// </summary>
internal static class SpmmForwardGather
{
    public static void Run(SparseLayer layer, IncomingIndex incoming, float[] input, float[] z, float[] a, int batch,
                           DropoutSpec? dropout) =>
        ParallelRows.For(layer.Outputs, (long)layer.Connections * batch, new Kernel(layer, incoming, input, z, a, batch, dropout));

    readonly struct Kernel(SparseLayer layer, IncomingIndex incoming, float[] input, float[] z, float[] a, int batch,
                           DropoutSpec? dropout) : IRowKernel
    {
        readonly float[] _weights = layer.Weights, _bias = layer.Bias;
        readonly float[]? _parameters = layer.ActivationParameters;
        readonly LayerActivation _activation = layer.Activation;
        readonly int _outputs = layer.Outputs;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int start, int end)
        {
            ref float x = ref MemoryMarshal.GetArrayDataReference(input);
            ref float zBase = ref MemoryMarshal.GetArrayDataReference(z);
            ref float aBase = ref MemoryMarshal.GetArrayDataReference(a);
            int[] offsets = incoming.Offsets, inputs = incoming.Inputs;
            for (int j = start; j < end; j++)
            {
                ref float zRow = ref Unsafe.Add(ref zBase, j * batch);
                RowGather.Run(ref zRow, _bias[j], offsets[j], offsets[j + 1], inputs, incoming.WeightIndex, _weights, ref x, batch);
                ForwardActivation.Apply(_activation, _parameters, _outputs, ref zRow, ref Unsafe.Add(ref aBase, j * batch), j, batch, dropout);
            }
        }
    }
}
