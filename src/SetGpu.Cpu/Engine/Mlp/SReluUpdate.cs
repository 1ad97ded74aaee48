using SetGpu.Model;

namespace SetGpu.Cpu;

/// <summary>
/// The SReLU step of a layer (<see cref="SReluParameters"/>), once the backward pass has left ∂loss/∂a (dropout
/// applied, the activation's derivative not) in the layer's δ block. Per neuron j, over the batch:
/// <code>
///   right (z ≥ t_r):  g_tr += δ·(1 − a_r);  g_ar += δ·(z − t_r);  δ ← δ·a_r
///   left  (z ≤ t_l):  g_tl += δ·(1 − a_l);  g_al += δ·(z − t_l);  δ ← δ·a_l
/// </code>
/// then each parameter takes the optimiser's step with its mean gradient, from the values the forward pass used.
/// The parameters train like biases but without weight decay: decay would pull the slopes towards 0, a flat
/// activation, not a simpler one (keras-contrib's SReLU has no regulariser either). Device twin: <c>SReluKernel</c>.
/// </summary>
internal static class SReluUpdate
{
    /// <param name="layer">The SReLU layer whose output δ is known up to the activation's derivative.</param>
    /// <param name="z">The layer's pre-activations (outputs × batch).</param>
    /// <param name="delta">In: ∂loss/∂a; out: ∂loss/∂z (outputs × batch).</param>
    /// <param name="batch">Samples in the batch.</param>
    /// <param name="step">The optimiser at this step, without weight decay.</param>
    public static void Run<TStep>(SparseLayer layer, float[] z, float[] delta, int batch, TStep step) where TStep : struct, IOptimizerStep
    {
        float[] p = layer.ActivationParameters!, first = layer.ActivationState[0], second = layer.ActivationState[^1];
        int n = layer.Outputs;
        int tl = SReluParameters.LeftThreshold * n, al = SReluParameters.LeftSlope * n;
        int tr = SReluParameters.RightThreshold * n, ar = SReluParameters.RightSlope * n;
        float invBatch = 1f / batch;
        for (int j = 0; j < n; j++)
        {
            float tLeft = p[tl + j], aLeft = p[al + j], tRight = p[tr + j], aRight = p[ar + j];
            float gtl = 0f, gal = 0f, gtr = 0f, gar = 0f;
            for (int b = 0; b < batch; b++)
            {
                int e = j * batch + b;
                float x = z[e], u = delta[e];
                int piece = SReluParameters.Piece(x, tLeft, tRight);
                if (piece > 0)
                {
                    gtr += u * (1f - aRight);
                    gar += u * (x - tRight);
                    delta[e] = u * aRight;
                }
                else if (piece < 0)
                {
                    gtl += u * (1f - aLeft);
                    gal += u * (x - tLeft);
                    delta[e] = u * aLeft;
                }
            }
            p[tl + j] = step.Apply(tLeft, ref first[tl + j], ref second[tl + j], gtl * invBatch);
            p[al + j] = step.Apply(aLeft, ref first[al + j], ref second[al + j], gal * invBatch);
            p[tr + j] = step.Apply(tRight, ref first[tr + j], ref second[tr + j], gtr * invBatch);
            p[ar + j] = step.Apply(aRight, ref first[ar + j], ref second[ar + j], gar * invBatch);
        }
    }
}
