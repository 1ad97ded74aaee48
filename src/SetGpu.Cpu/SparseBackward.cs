using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cpu;

/// <summary>
/// The backward pass through one layer (transposed SpMM): for each input neuron i and sample b,
/// δin[i,b] = f'(z_in[i,b]) · dropout[i,b] · Σ_t W[perm[t]]·δout[out[t], b], gathering over i's outgoing
/// connections from the transposed index, so each δin row has one writer.
/// </summary>
internal static class SparseBackward
{
    /// <param name="layer">The layer whose output deltas are known.</param>
    /// <param name="transposed">Its connections grouped by input neuron.</param>
    /// <param name="deltaOut">δ of the layer's outputs (outputs × batch).</param>
    /// <param name="inputZ">Pre-activations of the layer's inputs (inputs × batch).</param>
    /// <param name="inputActivation">Activation of the layer's inputs.</param>
    /// <param name="deltaIn">Receives δ of the inputs (inputs × batch).</param>
    /// <param name="batch">Samples in the batch.</param>
    /// <param name="dropout">The dropout applied to the inputs in the forward pass, if any.</param>
    public static void Run(SparseLayer layer, TransposedIndex transposed, float[] deltaOut, float[] inputZ,
                           LayerActivation inputActivation, float[] deltaIn, int batch, DropoutSpec? dropout)
    {
        int[] offsets = transposed.Offsets, outputs = transposed.Outputs;
        var weights = new PermutedWeights(layer.Weights, transposed.WeightIndex);
        ParallelRows.For(layer.Inputs, (long)layer.Connections * batch, (start, end) =>
        {
            ref float dOut = ref MemoryMarshal.GetArrayDataReference(deltaOut);
            ref float dInBase = ref MemoryMarshal.GetArrayDataReference(deltaIn);
            ref float zBase = ref MemoryMarshal.GetArrayDataReference(inputZ);
            for (int i = start; i < end; i++)
            {
                ref float dIn = ref Unsafe.Add(ref dInBase, i * batch);
                RowGather.Run(ref dIn, 0f, offsets[i], offsets[i + 1], outputs, weights, ref dOut, batch);
                ref float zRow = ref Unsafe.Add(ref zBase, i * batch);
                for (int b = 0; b < batch; b++)
                {
                    float g = ActivationMath.Derivative(inputActivation.Kind, inputActivation.Slope, Unsafe.Add(ref zRow, b));
                    if (dropout is { } d) g *= DropoutMask.Factor(d.Key, i, b, batch, d.Rate, d.KeepScale);
                    Unsafe.Add(ref dIn, b) *= g;
                }
            }
        });
    }
}
