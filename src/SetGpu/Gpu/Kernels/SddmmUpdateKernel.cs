using ILGPU;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// The weight update of a layer: the gradient at its existing connections only (SDDMM over the CSR pattern) fused with
/// the optimiser step, launched by <see cref="ITrainingLaunches.UpdateWeights"/>. CPU twin: the update half of
/// <c>SpmmBackwardUpdate</c> (alone when no δin is wanted).
/// </summary>
internal static class SddmmUpdateKernel
{
    /// <summary>
    /// The weight gradient at existing connections (SDDMM, g[k] = mean_b δout[col[k], b]·x[i, b]) fused with the
    /// optimiser step (<see cref="OptimizerParams.Step"/>); one work item per CSR row, so each weight has one writer. Two connections per pass over the
    /// row's lanes share each read of x and keep two independent quad sums in flight.
    /// </summary>
    public static void UpdateWeights<TF, TI, TQ>(LayerArrays<TF, TI> layer, TQ deltaOut, TQ x, int inputs, int batch,
                                                 int quads, OptimizerParams opt)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int> where TQ : struct, IDeviceArray<Quad>
    {
        int stride = Grid.DimX * Group.DimX;
        float invBatch = 1f / batch;
        for (int i = Grid.GlobalLinearIndex; i < inputs; i += stride)
        {
            int k = layer.RowOffsets[i], end = layer.RowOffsets[i + 1], row = i * quads;
            for (; k + 1 < end; k += 2)
            {
                int first = layer.Columns[k] * quads, second = layer.Columns[k + 1] * quads;
                var g = new Quad(0f);
                var h = g;
                for (int q = 0; q < quads; q++)
                {
                    Quad v = x[row + q], d = deltaOut[first + q], e = deltaOut[second + q];
                    g.X += d.X * v.X; g.Y += d.Y * v.Y; g.Z += d.Z * v.Z; g.W += d.W * v.W;
                    h.X += e.X * v.X; h.Y += e.Y * v.Y; h.Z += e.Z * v.Z; h.W += e.W * v.W;
                }
                opt.Step(layer.Weights, layer.State, layer.State2, k, ((g.X + g.Y) + (g.Z + g.W)) * invBatch);
                opt.Step(layer.Weights, layer.State, layer.State2, k + 1, ((h.X + h.Y) + (h.Z + h.W)) * invBatch);
            }
            if (k < end)
            {
                int column = layer.Columns[k] * quads;
                var g = new Quad(0f);
                for (int q = 0; q < quads; q++)
                {
                    Quad v = x[row + q], d = deltaOut[column + q];
                    g.X += d.X * v.X; g.Y += d.Y * v.Y; g.Z += d.Z * v.Z; g.W += d.W * v.W;
                }
                opt.Step(layer.Weights, layer.State, layer.State2, k, ((g.X + g.Y) + (g.Z + g.W)) * invBatch);
            }
        }
    }
}
