using ILGPU;
using SetGpu.Cpu.Rbm;
using SetGpu.Rng;

namespace SetGpu.Gpu.Kernels;

/// <summary>How an RBM gather runs and what it does with a finished row (see <see cref="RbmKernels.Gather"/>).</summary>
internal struct RbmGatherParams
{
    /// <summary>Rows (units) of the output block, lanes per row (<see cref="RbmLanes.Stride"/>), samples in the batch.</summary>
    public int Rows, Stride, Batch;
    /// <summary>1: weights are read through the weight index (hidden gather over the incoming index); 0: in place (CSR rows).</summary>
    public int Indirect;
    /// <summary>0: write the pre-activation; 1: sample Bernoulli(σ(z)) (pre-activation to <c>pre</c> when WritePre); 2: σ(z) masked; 3: z masked.</summary>
    public int Epilogue, WritePre;
    /// <summary>Units of the sampled layer (the counter of lane b of row r is (SampleOffset + b)·Units + r) and the key.</summary>
    public int Units;
    public ulong Key;
    public long SampleOffset;
}

/// <summary>The RBM optimiser step Δ ← μ·Δ + η·g; θ ← θ + Δ − λ·θ (the CPU engine's RbmStep).</summary>
internal struct RbmStepParams
{
    public float LearningRate, Momentum, WeightDecay, InvBatch;
}

/// <summary>
/// The SET-RBM kernels of <see cref="Rbm.IlgpuRbmEngine"/>: unit-major blocks (unit × stride lanes, zeros in the
/// padding), the same sums in the same order as the CPU engine (the parity contract <see cref="RbmLanes"/>: its
/// gather chains per lane, its lane sums), the same counter-keyed samples, and no float atomics. All loops over connections have a single exit (PoCL). The two hot kernels, <see cref="Gather"/>
/// and <see cref="CdUpdate"/>, are generic over how they reach memory (views on devices, pointers on ILGPU's CPU
/// accelerator; see <see cref="IDeviceArray{T}"/> and <see cref="Rbm.RbmLaunches"/>).
/// </summary>
internal static class RbmKernels
{
    /// <summary>
    /// dst[r, b] from z = bias[r] + Σ_k w(k)·src[sources[k], b] over row r's entries offsets[r] … offsets[r+1]
    /// (multiply-adds rounded once, into the 1, 2 or 4 chains <see cref="RbmLanes.GatherChains"/> gives that lane), then the epilogue.
    /// One work item per row and lane.
    /// </summary>
    public static void Gather<TF, TI>(TI offsets, TI sources, TI weightIndex, TF weights, TF bias, TF src, TF dst, TF pre,
                                      RbmGatherParams p)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int>
    {
        int step = Grid.DimX * Group.DimX, n = p.Rows * p.Stride;
        for (int e = Grid.GlobalLinearIndex; e < n; e += step)
        {
            int row = e / p.Stride, b = e - row * p.Stride;
            int chains = RbmLanes.GatherChains(b, p.Stride);
            int kStart = offsets[row], kEnd = offsets[row + 1];
            int full = kStart + (kEnd - kStart) / chains * chains;
            float a0 = bias[row], a1 = 0f, a2 = 0f, a3 = 0f;
            for (int k = kStart; k < kEnd; k++)
            {
                float w = weights[p.Indirect != 0 ? weightIndex[k] : k];
                float x = src[sources[k] * p.Stride + b];
                int c = k < full ? (k - kStart) % chains : 0;
                if (c == 0) a0 = Fma(w, x, a0);
                else if (c == 1) a1 = Fma(w, x, a1);
                else if (c == 2) a2 = Fma(w, x, a2);
                else a3 = Fma(w, x, a3);
            }
            float z = (a0 + a1) + (a2 + a3);
            if (p.Epilogue == 0) dst[e] = z;
            else if (p.Epilogue == 1)
            {
                if (p.WritePre != 0) pre[e] = z;
                float u = b < p.Batch ? Uniform(p.Key, (ulong)((p.SampleOffset + b) * p.Units + row)) : 2f;
                dst[e] = u < Sigmoid(z) ? 1f : 0f;
            }
            else if (p.Epilogue == 2) dst[e] = b < p.Batch ? Sigmoid(z) : 0f;
            else dst[e] = b < p.Batch ? z : 0f;
        }
    }

    /// <summary>Sampled visible states from their means: Bernoulli (counter b·visible + i) or mean + N(0, 1); 0 in the padding.</summary>
    public static void SampleVisible(ArrayView<float> means, ArrayView<float> samples, int visible, int stride, int batch, int gaussian, ulong key)
    {
        int step = Grid.DimX * Group.DimX, n = visible * stride;
        for (int e = Grid.GlobalLinearIndex; e < n; e += step)
        {
            int i = e / stride, b = e - i * stride;
            ulong counter = (ulong)((long)b * visible + i);
            float s = 0f;
            if (b < batch)
                s = gaussian != 0 ? means[e] + StandardNormal(key, counter) : (Uniform(key, counter) < means[e] ? 1f : 0f);
            samples[e] = s;
        }
    }

    /// <summary>errors[slot + i] = Σ_b (data[i, b] − mean[i, b])² in float, lanes summed as <see cref="RbmLanes"/> says (the padding adds zeros).</summary>
    public static void RowErrors(ArrayView<float> data, ArrayView<float> means, int rows, int stride, ArrayView<float> errors, int slot)
    {
        int step = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalLinearIndex; i < rows; i += step)
        {
            int row = i * stride;
            float q0 = 0f, q1 = 0f, q2 = 0f, q3 = 0f, q4 = 0f, q5 = 0f, q6 = 0f, q7 = 0f;
            for (int b = 0; b < stride; b += RbmLanes.Width)
            {
                q0 += Square(data[row + b] - means[row + b]);
                q1 += Square(data[row + b + 1] - means[row + b + 1]);
                q2 += Square(data[row + b + 2] - means[row + b + 2]);
                q3 += Square(data[row + b + 3] - means[row + b + 3]);
                q4 += Square(data[row + b + 4] - means[row + b + 4]);
                q5 += Square(data[row + b + 5] - means[row + b + 5]);
                q6 += Square(data[row + b + 6] - means[row + b + 6]);
                q7 += Square(data[row + b + 7] - means[row + b + 7]);
            }
            errors[slot + i] = RbmLanes.Sum(q0, q1, q2, q3, q4, q5, q6, q7);
        }
    }

    static float Square(float d) => d * d;

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

    /// <summary>dst[r, b] = src[r, b] for b &lt; count (persistent chains: the slots of this batch move on).</summary>
    public static void CopyLanes(ArrayView<float> src, ArrayView<float> dst, int rows, int stride, int count)
    {
        int step = Grid.DimX * Group.DimX, n = rows * stride;
        for (int e = Grid.GlobalLinearIndex; e < n; e += step)
        {
            int r = e / stride, b = e - r * stride;
            if (b < count) dst[e] = src[e];
        }
    }

    /// <summary>
    /// w·x + a rounded once, as the CPU engine's fused multiply-adds: the product is exact in double, so only the
    /// double sum's rounding can differ from a true fma (when it lands exactly on a float tie: about 2⁻²⁹ of
    /// cases). Written this way because ILGPU's OpenCL backend has no fma intrinsic.
    /// </summary>
    static float Fma(float w, float x, float a) => (float)((double)w * x + a);

    static float Uniform(ulong key, ulong counter) => CounterRng.UniformFloat(CounterRng.Hash(key, counter));

    static float StandardNormal(ulong key, ulong counter)
    {
        float u1 = ((CounterRng.Hash(key, 2 * counter) >> 40) + 1) * (1.0f / 16777216.0f);
        float u2 = CounterRng.UniformFloat(CounterRng.Hash(key, 2 * counter + 1));
        return MathF.Sqrt(-2f * MathF.Log(u1)) * MathF.Cos(2f * MathF.PI * u2);
    }

    /// <summary>σ(z) = 1 / (1 + e^−z) with the CPU engine's exp (Cephes, same operations in the same order).</summary>
    internal static float Sigmoid(float z) => 1f / (1f + Exp(-z));

    internal static float Exp(float x)
    {
        x = MathF.Min(MathF.Max(x, -87.33654f), 88.72283f);
        float n = MathF.Floor(x * 1.44269504088896341f + 0.5f);
        float r = x - n * 0.693359375f - n * -2.12194440e-4f;
        float p = 1.9875691500E-4f;
        p = p * r + 1.3981999507E-3f;
        p = p * r + 8.3334519073E-3f;
        p = p * r + 4.1665795894E-2f;
        p = p * r + 1.6666665459E-1f;
        p = p * r + 5.0000001201E-1f;
        p = p * (r * r) + r + 1f;
        return p * Interop.IntAsFloat((uint)(((int)n + 127) << 23));
    }
}
