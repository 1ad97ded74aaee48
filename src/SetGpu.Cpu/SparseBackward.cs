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
        var weights = layer.Weights;
        ParallelRows.For(layer.Inputs, (long)layer.Connections * batch, (start, end) =>
        {
            ref float dOut = ref MemoryMarshal.GetArrayDataReference(deltaOut);
            ref float dInBase = ref MemoryMarshal.GetArrayDataReference(deltaIn);
            for (int i = start; i < end; i++)
            {
                ref float dIn = ref Unsafe.Add(ref dInBase, i * batch);
                MemoryMarshal.CreateSpan(ref dIn, batch).Clear();
                for (int t = transposed.Offsets[i]; t < transposed.Offsets[i + 1]; t++)
                    BatchMath.Axpy(ref dIn, ref Unsafe.Add(ref dOut, transposed.Outputs[t] * batch),
                                   weights[transposed.WeightIndex[t]], batch);
                for (int b = 0; b < batch; b++)
                {
                    float g = ActivationMath.Derivative(inputActivation.Kind, inputActivation.Slope, inputZ[i * batch + b]);
                    if (dropout is { } d) g *= DropoutMask.Factor(d.Key, i, b, batch, d.Rate, d.KeepScale);
                    Unsafe.Add(ref dIn, b) *= g;
                }
            }
        });
    }
}
