using ILGPU;
using SetGpu.Model;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// The SReLU step of a layer (<see cref="SReluParameters"/>), launched by <see cref="ITrainingLaunches.UpdateSRelu"/>
/// after the backward pass has left ∂loss/∂a (dropout applied, the derivative not) in the layer's δ block: the four
/// parameter gradients per neuron (means over the batch), δ ← δ·f'(z), and the parameters' optimiser step (no weight
/// decay). CPU twin: <c>SReluUpdate</c>.
/// </summary>
internal static class SReluKernel
{
    /// <summary>
    /// One work item per neuron j: over the batch, the right piece (z ≥ t_r) adds δ·(1 − a_r) to t_r's gradient and
    /// δ·(z − t_r) to a_r's and scales δ by a_r; the left piece (z ≤ t_l) likewise with t_l and a_l; then each
    /// parameter steps from the value the forward pass used. Padding lanes are left as they are (zero).
    /// </summary>
    public static void UpdateSRelu<TF, TI, TQ>(LayerArrays<TF, TI> layer, TQ z, TQ delta, int outputs, int batch, int quads,
                                               OptimizerParams opt)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int> where TQ : struct, IDeviceArray<Quad>
    {
        int stride = Grid.DimX * Group.DimX;
        float invBatch = 1f / batch;
        for (int j = Grid.GlobalLinearIndex; j < outputs; j += stride)
        {
            int tl = SReluParameters.LeftThreshold * outputs + j, al = SReluParameters.LeftSlope * outputs + j;
            int tr = SReluParameters.RightThreshold * outputs + j, ar = SReluParameters.RightSlope * outputs + j;
            var p = layer.ActivationParameters;
            float tLeft = p[tl], aLeft = p[al], tRight = p[tr], aRight = p[ar];
            float gtl = 0f, gal = 0f, gtr = 0f, gar = 0f;
            for (int q = 0; q < quads; q++)
            {
                Quad zq = z[j * quads + q], dq = delta[j * quads + q];
                var result = dq;
                for (int c = 0; c < 4; c++)
                {
                    float x = zq.Lane(c), u = dq.Lane(c);
                    int piece = 4 * q + c < batch ? SReluParameters.Piece(x, tLeft, tRight) : 0;
                    if (piece > 0)
                    {
                        gtr += u * (1f - aRight);
                        gar += u * (x - tRight);
                        result.SetLane(c, u * aRight);
                    }
                    else if (piece < 0)
                    {
                        gtl += u * (1f - aLeft);
                        gal += u * (x - tLeft);
                        result.SetLane(c, u * aLeft);
                    }
                }
                delta[j * quads + q] = result;
            }
            opt.Step(p, layer.ActivationState, layer.ActivationState2, tl, gtl * invBatch);
            opt.Step(p, layer.ActivationState, layer.ActivationState2, al, gal * invBatch);
            opt.Step(p, layer.ActivationState, layer.ActivationState2, tr, gtr * invBatch);
            opt.Step(p, layer.ActivationState, layer.ActivationState2, ar, gar * invBatch);
        }
    }
}
