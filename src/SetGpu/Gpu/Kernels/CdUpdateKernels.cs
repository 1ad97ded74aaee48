using ILGPU;
using SetGpu.Cpu.Rbm;

namespace SetGpu.Gpu.Kernels;

/// <summary>The RBM optimiser step Δ ← μ·Δ + η·g; θ ← θ + Δ − λ·θ (the CPU engine's RbmStep).</summary>
internal struct RbmStepParams
{
    public float LearningRate, Momentum, WeightDecay, InvBatch;
}

/// <summary>
/// The RBM's contrastive-divergence update: the weight statistics at the existing connections only (SDDMM over the CSR
/// rows) fused with the optimiser step, and the bias update, in the CPU engine's order (<see cref="RbmLanes"/>);
/// launched by <see cref="Rbm.IRbmLaunches.CdUpdate"/> and <see cref="Rbm.IRbmLaunches.UpdateBias"/>. CPU twin:
/// <see cref="SetGpu.Cpu.Rbm.CdUpdate"/> (<c>Run</c>, <c>Biases</c>).
/// </summary>
internal static class CdUpdateKernels
{
    /// <summary>
    /// The fused CD update at the existing connections, one work item per visible row (CSR):
    /// g = Σ_b (v⁰[i,b]·h⁰[j,b] − vᵏ[i,b]·hᵏ[j,b]) / B, then the optimiser step on W[k] and its momentum, in the
    /// order of <see cref="RbmLanes"/> (per-lane sums over the groups, the pairwise tree, η/B folded for short strides).
    /// </summary>
    public static void CdUpdate<TF, TI>(TI offsets, TI columns, TF weights, TF velocity, TF vData, TF hData, TF vModel,
                                        TF hModel, int rows, int stride, RbmStepParams s)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int>
    {
        int step = Grid.DimX * Group.DimX;
        bool folds = RbmLanes.FoldsRate(stride);
        float lrB = s.LearningRate * s.InvBatch;
        for (int i = Grid.GlobalLinearIndex; i < rows; i += step)
        {
            int kEnd = offsets[i + 1], vRow = i * stride;
            for (int k = offsets[i]; k < kEnd; k++)
            {
                int j = columns[k] * stride;
                float p0 = 0f, p1 = 0f, p2 = 0f, p3 = 0f, p4 = 0f, p5 = 0f, p6 = 0f, p7 = 0f;
                for (int b = 0; b < stride; b += RbmLanes.Width)
                {
                    bool start = folds && b == 0;
                    p0 = Lane(p0, vData, hData, vModel, hModel, vRow + b, j + b, start);
                    p1 = Lane(p1, vData, hData, vModel, hModel, vRow + b + 1, j + b + 1, start);
                    p2 = Lane(p2, vData, hData, vModel, hModel, vRow + b + 2, j + b + 2, start);
                    p3 = Lane(p3, vData, hData, vModel, hModel, vRow + b + 3, j + b + 3, start);
                    p4 = Lane(p4, vData, hData, vModel, hModel, vRow + b + 4, j + b + 4, start);
                    p5 = Lane(p5, vData, hData, vModel, hModel, vRow + b + 5, j + b + 5, start);
                    p6 = Lane(p6, vData, hData, vModel, hModel, vRow + b + 6, j + b + 6, start);
                    p7 = Lane(p7, vData, hData, vModel, hModel, vRow + b + 7, j + b + 7, start);
                }
                float g = RbmLanes.Sum(p0, p1, p2, p3, p4, p5, p6, p7), theta = weights[k];
                float v = folds ? s.Momentum * velocity[k] + lrB * g : s.Momentum * velocity[k] + s.LearningRate * (g * s.InvBatch);
                velocity[k] = v;
                weights[k] = theta + v - s.WeightDecay * theta;
            }
        }
    }

    /// <summary>
    /// One lane's running sum plus its product v⁰·h⁰ − vᵏ·hᵏ at (vAt, hAt). The short order starts from the first
    /// group's product itself, the long order from zero (the CPU engine's: signed zeros come out alike).
    /// </summary>
    static float Lane<TF>(float sum, TF vd, TF hd, TF vm, TF hm, int vAt, int hAt, bool start) where TF : struct, IDeviceArray<float>
    {
        float p = vd[vAt] * hd[hAt] - vm[vAt] * hm[hAt];
        return start ? p : sum + p;
    }

    /// <summary>Biases: g = Σ_b (data − model) / B per unit (lanes summed as <see cref="RbmLanes"/> says), then the optimiser step.</summary>
    public static void UpdateBias(ArrayView<float> bias, ArrayView<float> velocity, ArrayView<float> data, ArrayView<float> model,
                                  int units, int stride, RbmStepParams s)
    {
        int step = Grid.DimX * Group.DimX;
        for (int u = Grid.GlobalLinearIndex; u < units; u += step)
        {
            int row = u * stride;
            float q0 = 0f, q1 = 0f, q2 = 0f, q3 = 0f, q4 = 0f, q5 = 0f, q6 = 0f, q7 = 0f;
            for (int b = 0; b < stride; b += RbmLanes.Width)
            {
                q0 += data[row + b] - model[row + b];
                q1 += data[row + b + 1] - model[row + b + 1];
                q2 += data[row + b + 2] - model[row + b + 2];
                q3 += data[row + b + 3] - model[row + b + 3];
                q4 += data[row + b + 4] - model[row + b + 4];
                q5 += data[row + b + 5] - model[row + b + 5];
                q6 += data[row + b + 6] - model[row + b + 6];
                q7 += data[row + b + 7] - model[row + b + 7];
            }
            float g = RbmLanes.Sum(q0, q1, q2, q3, q4, q5, q6, q7);
            float theta = bias[u];
            float v = s.Momentum * velocity[u] + s.LearningRate * (g * s.InvBatch);
            velocity[u] = v;
            bias[u] = theta + v - s.WeightDecay * theta;
        }
    }
}
