using ILGPU;
using SetGpu.Cpu.Rbm;
using SetGpu.Rng;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// The SET-RBM step's element-wise kernels around the gather (<see cref="RbmGatherKernel"/>) and the CD update
/// (<see cref="CdUpdateKernels"/>): sampled visible states, the rows' reconstruction errors and the persistent chains'
/// copy, on unit-major blocks (unit × stride lanes, zeros in the padding, <see cref="RbmLanes"/>), with the CPU engine's
/// counter-keyed samples and math (sigmoid, exp).
/// </summary>
internal static class RbmKernels
{
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

    /// <summary>The uniform draw of counter <paramref name="counter"/> under <paramref name="key"/> (the CPU engine's RbmSampling.Uniform).</summary>
    internal static float Uniform(ulong key, ulong counter) => CounterRng.UniformFloat(CounterRng.Hash(key, counter));

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
