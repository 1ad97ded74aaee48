using ILGPU;
using SetGpu.Rng;

namespace SetGpu.Gpu.Kernels;

/// <summary>How an RBM gather runs and what it does with a finished row (see <see cref="RbmKernels.Gather"/>).</summary>
internal struct RbmGatherParams
{
    /// <summary>Rows (units) of the output block, lanes per row, floats per host vector, samples in the batch.</summary>
    public int Rows, Stride, Width, Batch;
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
    /// <summary>1: sum each connection's lanes as the CPU engine's AVX path does (8-lane pairwise tree, η/B folded).</summary>
    public int Avx;
    /// <summary>Floats per host vector (bias sums use the pairwise tree when 8).</summary>
    public int Width;
}

/// <summary>
/// The SET-RBM kernels of <see cref="Rbm.IlgpuRbmEngine"/>: unit-major blocks (unit × stride lanes, the batch padded to
/// the CPU engine's vector width, zeros in the padding), the same sums in the same order as the CPU engine's
/// gathers (its register tiles and interleaved chains are reproduced per lane), the same counter-keyed samples, and
/// no float atomics. All loops over connections have a single exit (PoCL). The two hot kernels, <see cref="Gather"/>
/// and <see cref="CdUpdate"/>, are generic over how they reach memory (views on devices, pointers on ILGPU's CPU
/// accelerator; see <see cref="IDeviceArray{T}"/> and <see cref="Rbm.RbmLaunches"/>).
/// </summary>
internal static class RbmKernels
{
    /// <summary>Interleaved sums the CPU engine's gather uses for lane b: 1 in its 4-vector tiles, 2 in its 2-vector tile, 4 in the last vector.</summary>
    static int Chains(int b, int stride, int width)
    {
        int four = stride / (4 * width) * (4 * width);
        if (b < four) return 1;
        return four + 2 * width <= stride && b < four + 2 * width ? 2 : 4;
    }

    /// <summary>
    /// dst[r, b] from z = bias[r] + Σ_k w(k)·src[sources[k], b] over row r's entries offsets[r] … offsets[r+1]
    /// (multiply-adds rounded once, into 1, 2 or 4 chains exactly as the CPU engine for that lane), then the epilogue.
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
            int chains = Chains(b, p.Stride, p.Width);
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

    /// <summary>errors[slot + i] = Σ_b (data[i, b] − mean[i, b])² in float, lanes in order (the padding adds zeros).</summary>
    public static void RowErrors(ArrayView<float> data, ArrayView<float> means, int rows, int stride, ArrayView<float> errors, int slot)
    {
        int step = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalLinearIndex; i < rows; i += step)
        {
            float sum = 0f;
            for (int b = 0; b < stride; b++)
            {
                float d = data[i * stride + b] - means[i * stride + b];
                sum += d * d;
            }
            errors[slot + i] = sum;
        }
    }

    /// <summary>
    /// The fused CD update at the existing connections, one work item per visible row (CSR):
    /// g = Σ_b (v⁰[i,b]·h⁰[j,b] − vᵏ[i,b]·hᵏ[j,b]) / B, then the optimiser step on W[k] and its momentum.
    /// </summary>
    public static void CdUpdate<TF, TI>(TI offsets, TI columns, TF weights, TF velocity, TF vData, TF hData, TF vModel,
                                        TF hModel, int rows, int stride, RbmStepParams s)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int>
    {
        int step = Grid.DimX * Group.DimX;
        float lrB = s.LearningRate * s.InvBatch;
        for (int i = Grid.GlobalLinearIndex; i < rows; i += step)
        {
            int kEnd = offsets[i + 1], vRow = i * stride;
            for (int k = offsets[i]; k < kEnd; k++)
            {
                int j = columns[k] * stride;
                float theta = weights[k], v;
                if (s.Avx != 0)
                {
                    // The CPU engine's AVX path: 8 lanes (plus 8 more when the stride is 16), a pairwise tree, η/B folded.
                    float p0 = Lane(vData, hData, vModel, hModel, vRow, j, 0, stride), p1 = Lane(vData, hData, vModel, hModel, vRow, j, 1, stride);
                    float p2 = Lane(vData, hData, vModel, hModel, vRow, j, 2, stride), p3 = Lane(vData, hData, vModel, hModel, vRow, j, 3, stride);
                    float p4 = Lane(vData, hData, vModel, hModel, vRow, j, 4, stride), p5 = Lane(vData, hData, vModel, hModel, vRow, j, 5, stride);
                    float p6 = Lane(vData, hData, vModel, hModel, vRow, j, 6, stride), p7 = Lane(vData, hData, vModel, hModel, vRow, j, 7, stride);
                    float g = ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7));
                    v = s.Momentum * velocity[k] + lrB * g;
                }
                else
                {
                    float g = 0f;
                    for (int b = 0; b < stride; b++)
                        g += vData[vRow + b] * hData[j + b] - vModel[vRow + b] * hModel[j + b];
                    v = s.Momentum * velocity[k] + s.LearningRate * (g * s.InvBatch);
                }
                velocity[k] = v;
                weights[k] = theta + v - s.WeightDecay * theta;
            }
        }
    }

    static float Lane<TF>(TF vd, TF hd, TF vm, TF hm, int vRow, int j, int l, int stride) where TF : struct, IDeviceArray<float>
    {
        float p = vd[vRow + l] * hd[j + l] - vm[vRow + l] * hm[j + l];
        if (stride == 16) p += vd[vRow + l + 8] * hd[j + l + 8] - vm[vRow + l + 8] * hm[j + l + 8];
        return p;
    }

    /// <summary>Biases: g = Σ_b (data − model) / B per unit (lanes summed as the CPU engine's vectors), then the optimiser step.</summary>
    public static void UpdateBias(ArrayView<float> bias, ArrayView<float> velocity, ArrayView<float> data, ArrayView<float> model,
                                  int units, int stride, RbmStepParams s)
    {
        int step = Grid.DimX * Group.DimX;
        for (int u = Grid.GlobalLinearIndex; u < units; u += step)
        {
            int row = u * stride;
            float g;
            if (s.Width == 8)
            {
                float q0 = 0f, q1 = 0f, q2 = 0f, q3 = 0f, q4 = 0f, q5 = 0f, q6 = 0f, q7 = 0f;
                for (int b = 0; b < stride; b += 8)
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
                g = ((q0 + q1) + (q2 + q3)) + ((q4 + q5) + (q6 + q7));
            }
            else
            {
                g = 0f;
                for (int b = 0; b < stride; b++) g += data[row + b] - model[row + b];
            }
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
