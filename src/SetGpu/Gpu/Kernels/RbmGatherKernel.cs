using ILGPU;
using SetGpu.Cpu.Rbm;

namespace SetGpu.Gpu.Kernels;

/// <summary>How an RBM gather runs and what it does with a finished row (see <see cref="RbmGatherKernel.Gather"/>).</summary>
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

/// <summary>
/// The RBM's sparse products as gathers, h = c + Wᵀv over each hidden unit's incoming connections and v = b + W h over
/// each visible unit's CSR row, in the CPU engine's order (<see cref="RbmLanes"/>), with the epilogue that turns a row
/// into states, probabilities or pre-activations; generic over how it reaches memory (<see cref="IDeviceArray{T}"/>),
/// launched by <see cref="Rbm.IRbmLaunches.Gather"/>. CPU twin: <see cref="SetGpu.Cpu.Rbm.RbmGather"/>.
/// </summary>
internal static class RbmGatherKernel
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
                float u = b < p.Batch ? RbmKernels.Uniform(p.Key, (ulong)((p.SampleOffset + b) * p.Units + row)) : 2f;
                dst[e] = u < RbmKernels.Sigmoid(z) ? 1f : 0f;
            }
            else if (p.Epilogue == 2) dst[e] = b < p.Batch ? RbmKernels.Sigmoid(z) : 0f;
            else dst[e] = b < p.Batch ? z : 0f;
        }
    }

    /// <summary>
    /// w·x + a rounded once, as the CPU engine's fused multiply-adds: the product is exact in double, so only the
    /// double sum's rounding can differ from a true fma (when it lands exactly on a float tie: about 2⁻²⁹ of
    /// cases). Written this way because ILGPU's OpenCL backend has no fma intrinsic.
    /// </summary>
    static float Fma(float w, float x, float a) => (float)((double)w * x + a);
}
