using SetGpu.Model;

namespace SetGpu.Cpu;

/// <summary>Bias gradient (mean of δ over the batch) and optimiser step for every output neuron of a layer. Device twin: <c>BiasUpdateKernel</c>.</summary>
internal static class BiasUpdate
{
    public static void Run(SparseLayer layer, float[] deltaOut, int batch, OptimizerStep step)
    {
        float invBatch = 1f / batch;
        float[] bias = layer.Bias, velocity = layer.BiasVelocity;
        for (int j = 0; j < layer.Outputs; j++)
        {
            float g = 0f;
            for (int b = 0; b < batch; b++) g += deltaOut[j * batch + b];
            bias[j] = step.Apply(bias[j], ref velocity[j], g * invBatch);
        }
    }
}
