using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SetGpu.Model;

namespace SetGpu.Cpu;

/// <summary>Bias gradient (mean of δ over the batch) and optimiser step for every output neuron of a layer. Device twin: <c>BiasUpdateKernel</c>.</summary>
internal static class BiasUpdate
{
    public static void Run<TStep>(SparseLayer layer, float[] deltaOut, int batch, TStep step) where TStep : struct, IOptimizerStep
    {
        float invBatch = 1f / batch;
        float[] bias = layer.Bias, first = layer.BiasState[0];
        // A one-array rule never touches the second: it is the first again. Its length is the layer's outputs (the
        // layer checks), so its references need no range check of their own.
        ref float second = ref MemoryMarshal.GetArrayDataReference(layer.BiasState[^1]);
        for (int j = 0; j < layer.Outputs; j++)
        {
            float g = 0f;
            for (int b = 0; b < batch; b++) g += deltaOut[j * batch + b];
            bias[j] = step.Apply(bias[j], ref first[j], ref Unsafe.Add(ref second, j), g * invBatch);
        }
    }
}
