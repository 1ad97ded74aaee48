using ILGPU;
using SetGpu.Model;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// The backward pass of a layer: the transposed SpMM over its CSR rows, δin = (Wᵀ·δout) ⊙ f'(z_in) ⊙ dropout, launched by
/// <see cref="ITrainingLaunches.Backward"/>. CPU twin: the δin half of <c>SpmmBackwardUpdate</c>.
/// </summary>
internal static class SpmmBackwardKernel
{
    /// <summary>
    /// The backward pass through a layer (transposed SpMM over the CSR rows, one work item per input neuron and pair
    /// of quads): δin[i,b] = f'(z_in[i,b])·dropout[i,b]·Σ_k W[k]·δout[col[k], b], with the weights before this step's
    /// update. Padding lanes come out zero because δout is zero there.
    /// </summary>
    public static void Backward<TF, TI, TQ>(LayerArrays<TF, TI> layer, TQ deltaOut, TQ inputZ, TQ deltaIn, int inputs,
                                            int batch, int quads, ActivationParams inputAct)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int> where TQ : struct, IDeviceArray<Quad>
    {
        int stride = Grid.DimX * Group.DimX, pairs = (quads + 1) / 2, n = inputs * pairs;
        for (int item = Grid.GlobalLinearIndex; item < n; item += stride)
        {
            int i = item / pairs, q = (item - i * pairs) * 2;
            bool second = q + 1 < quads;
            var s0 = new Quad(0f);
            var s1 = s0;
            var u0 = s0;
            var u1 = s0;
            int k = layer.RowOffsets[i], end = layer.RowOffsets[i + 1];
            for (; k + 1 < end; k += 2) // even and odd connections into separate sums, as in Forward
            {
                float w = layer.Weights[k], v = layer.Weights[k + 1];
                int at = layer.Columns[k] * quads + q, bt = layer.Columns[k + 1] * quads + q;
                s0 = s0.AddScaled(w, deltaOut[at]);
                u0 = u0.AddScaled(v, deltaOut[bt]);
                if (second)
                {
                    s1 = s1.AddScaled(w, deltaOut[at + 1]);
                    u1 = u1.AddScaled(v, deltaOut[bt + 1]);
                }
            }
            if (k < end)
            {
                float w = layer.Weights[k];
                int at = layer.Columns[k] * quads + q;
                s0 = s0.AddScaled(w, deltaOut[at]);
                if (second) s1 = s1.AddScaled(w, deltaOut[at + 1]);
            }
            int e = i * quads + q;
            deltaIn[e] = InputFactors(inputZ[e], s0.Plus(u0), i, 4 * q, batch, inputAct);
            if (second) deltaIn[e + 1] = InputFactors(inputZ[e + 1], s1.Plus(u1), i, 4 * q + 4, batch, inputAct);
        }
    }

    /// <summary>sum · f'(z) · dropout, lane by lane, for input neuron i and lanes b0 … b0 + 3.</summary>
    static Quad InputFactors(Quad z, Quad sum, int i, int b0, int batch, ActivationParams act)
    {
        var result = new Quad();
        for (int c = 0; c < 4; c++)
        {
            float g = ActivationMath.Derivative((ActivationKind)act.Kind, act.Slope, z.Lane(c));
            if (act.DropoutEnabled != 0) g *= act.DropFactor(i, b0 + c, batch);
            result.SetLane(c, sum.Lane(c) * g);
        }
        return result;
    }
}
