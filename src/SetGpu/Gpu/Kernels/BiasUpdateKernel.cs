using ILGPU;

namespace SetGpu.Gpu.Kernels;

/// <summary>The bias update of a layer, launched by <see cref="ITrainingLaunches.UpdateBias"/>. CPU twin: <c>BiasUpdate</c>.</summary>
internal static class BiasUpdateKernel
{
    /// <summary>Bias gradient (mean of δ over the batch) and optimiser step, one work item per output neuron.</summary>
    public static void UpdateBias<TF, TI, TQ>(LayerArrays<TF, TI> layer, TQ deltaOut, int outputs, int batch, int quads,
                                              OptimizerParams opt)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int> where TQ : struct, IDeviceArray<Quad>
    {
        int stride = Grid.DimX * Group.DimX;
        float invBatch = 1f / batch;
        for (int j = Grid.GlobalLinearIndex; j < outputs; j += stride)
        {
            float g = 0f;
            for (int q = 0; q < quads; q++)
            {
                Quad d = deltaOut[j * quads + q];
                g += (d.X + d.Y) + (d.Z + d.W);
            }
            opt.Step(layer.Bias, layer.BiasState, layer.BiasState2, j, g * invBatch);
        }
    }
}
