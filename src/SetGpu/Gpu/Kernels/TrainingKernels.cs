using ILGPU;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// The MLP step's kernels around the sparse families: the batch gather that fills the input block and the output
/// layer (activation, loss and δ per sample), and the block layout every MLP kernel shares: feature-major activation
/// blocks, neuron × lanes, where lanes is the batch rounded up to a multiple of 4 (<see cref="Lanes"/>) so that blocks
/// are read and written as <see cref="Quad"/>s. Padding lanes hold zero inputs and zero deltas, so they add nothing to
/// any gradient. The sparse kernels of the step are <see cref="SpmmForwardKernel"/>, <see cref="SpmmBackwardKernel"/>,
/// <see cref="SddmmUpdateKernel"/> and <see cref="BiasUpdateKernel"/>, launched through <see cref="ITrainingLaunches"/>.
/// All are grid-stride loops over their work items with the stride hoisted and sum in a fixed order (no float atomics
/// anywhere, so results are deterministic).
/// </summary>
internal static class TrainingKernels
{
    /// <summary>Lanes per neuron in a block for a batch: the batch rounded up to whole quads.</summary>
    public static int Lanes(int batch) => (batch + 3) & ~3;

    /// <summary>Quads each work item of the forward and backward gathers handles (their loops are written for two):
    /// every index entry and weight read serves 8 samples, and on a GPU the sums stay in registers.</summary>
    public const int QuadsPerItem = 2;

    /// <summary>Work items of a gather over <paramref name="rows"/> neurons with <paramref name="quads"/> quads each.</summary>
    public static long GatherItems(int rows, int quads) => (long)rows * ((quads + QuadsPerItem - 1) / QuadsPerItem);

    /// <summary>Below this many work items a forward gather leaves most of a GPU idle (an H100 or H200 holds about
    /// 270,000 threads at once); with long incoming lists it is then split (<see cref="ForwardSegments"/>).</summary>
    public const int SplitGatherBelowItems = 16384;

    /// <summary>
    /// Parts into which the forward cuts each neuron's incoming list (1: the single gather, <see cref="SpmmForwardKernel.Forward"/>).
    /// A narrow layer with long lists (an output layer behind a wide hidden one: 5 neurons of 30,000 inputs each) would
    /// otherwise be summed by a handful of threads, one connection after another; it is cut into about √(length) parts
    /// of at least 64 connections, so that the parts and their sum in <see cref="SpmmForwardKernel.ForwardFinish"/> are
    /// both short. The count depends only on the layer's shape and connection count, never on the device, so every
    /// backend sums in the same order.
    /// </summary>
    public static int ForwardSegments(int outputs, int quads, long connections)
    {
        if (outputs == 0 || GatherItems(outputs, quads) >= SplitGatherBelowItems) return 1;
        double perNeuron = connections / (double)outputs;
        int segments = (int)(perNeuron / Math.Max(64, Math.Sqrt(perNeuron)));
        // The partial sums and the work items stay within int indices.
        long bound = int.MaxValue / Math.Max(1, 4L * outputs * quads);
        return (int)Math.Clamp(segments, 1, Math.Min(bound, 1 << 20));
    }

    /// <summary>a0[f, b] = features[order[offset + b], f]: the batch's inputs, feature-major, padding lanes zero.</summary>
    public static void GatherBatch(ArrayView<float> features, ArrayView<int> order, int offset, int batch, int lanes,
                                   int featureCount, ArrayView<float> input)
    {
        int stride = Grid.DimX * Group.DimX, n = featureCount * lanes;
        for (int e = Grid.GlobalLinearIndex; e < n; e += stride)
        {
            int f = e / lanes, b = e - f * lanes;
            input[e] = b < batch ? features[(long)order[offset + b] * featureCount + f] : 0f;
        }
    }

    /// <summary>
    /// input[f, b] = clean[f, b], or 0 where the step's masking noise (<see cref="InputNoise"/>) masks it; padding lanes
    /// stay zero.
    /// </summary>
    public static void MaskInputs(ArrayView<float> clean, ArrayView<float> input, int batch, int lanes, int featureCount,
                                  ulong key, float rate)
    {
        int stride = Grid.DimX * Group.DimX, n = featureCount * lanes;
        for (int e = Grid.GlobalLinearIndex; e < n; e += stride)
        {
            int f = e / lanes, b = e - f * lanes;
            input[e] = b < batch && !InputNoise.Masked(key, f, b, batch, rate) ? clean[e] : 0f;
        }
    }

    /// <summary>
    /// An autoencoder's output layer, one work item per lane: y = σ(z) (kind sigmoid) or z against the clean inputs
    /// <paramref name="targets"/>, the sample's Σ (y − t)² to lossOut[slot + b], δ = ∂(½‖y − t‖²)/∂z. Same formulas and
    /// order as the CPU engine's OutputLayer.Reconstruct.
    /// </summary>
    public static void ReconstructionOutput(ArrayView<float> z, ArrayView<float> y, ArrayView<float> delta, ArrayView<float> targets,
                                            int batch, int lanes, int outputs, int kind, ArrayView<float> lossOut, int slot)
    {
        int stride = Grid.DimX * Group.DimX;
        bool sigmoid = kind == (int)ActivationKind.Sigmoid;
        for (int b = Grid.GlobalLinearIndex; b < lanes; b += stride)
        {
            if (b >= batch) // padding lane: zero δ so it adds nothing to any gradient
            {
                for (int k = 0; k < outputs; k++) { y[k * lanes + b] = 0f; delta[k * lanes + b] = 0f; }
                continue;
            }
            float total = 0f;
            for (int k = 0; k < outputs; k++)
            {
                int e = k * lanes + b;
                float v = z[e];
                float yk = sigmoid ? 1f / (1f + MathF.Exp(-v)) : v, g = yk - targets[e];
                y[e] = yk;
                total += g * g;
                delta[e] = sigmoid ? g * yk * (1f - yk) : g;
            }
            lossOut[slot + b] = total;
        }
    }

    /// <summary>
    /// Output activation, loss and δ = ∂loss/∂z per sample (one work item per lane): the loss goes to
    /// lossOut[slot + b] and whether the arg-max is the label to correctOut[slot + b]. Same formulas as the CPU
    /// engine's OutputLayer.
    /// </summary>
    public static void Output(ArrayView<float> z, ArrayView<float> y, ArrayView<float> delta, ArrayView<int> labels,
                              ArrayView<int> order, int offset, int batch, int lanes, int outputs, int kind, int loss,
                              ArrayView<float> lossOut, ArrayView<int> correctOut, int slot)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int b = Grid.GlobalLinearIndex; b < lanes; b += stride)
        {
            if (b >= batch) // padding lane: no sample, zero δ so it adds nothing to any gradient
            {
                for (int k = 0; k < outputs; k++) { y[k * lanes + b] = 0f; delta[k * lanes + b] = 0f; }
                continue;
            }
            int label = labels[order[offset + b]];
            float max = float.NegativeInfinity;
            int best = 0;
            for (int k = 0; k < outputs; k++)
            {
                float v = z[k * lanes + b];
                if (v > max) { max = v; best = k; }
            }
            float total = 0f;
            if (kind == (int)ActivationKind.Softmax)
            {
                float sum = 0f;
                for (int k = 0; k < outputs; k++) sum += MathF.Exp(z[k * lanes + b] - max);
                float logSum = MathF.Log(sum), gy = 0f;
                for (int k = 0; k < outputs; k++)
                {
                    float p = MathF.Exp(z[k * lanes + b] - max - logSum);
                    y[k * lanes + b] = p;
                    float g = p - (k == label ? 1f : 0f);
                    gy += g * p;
                    if (loss == (int)LossKind.Mse) total += 0.5f * g * g;
                }
                if (loss == (int)LossKind.CrossEntropy) total = logSum + max - z[label * lanes + b];
                for (int k = 0; k < outputs; k++)
                {
                    float p = y[k * lanes + b], g = p - (k == label ? 1f : 0f);
                    delta[k * lanes + b] = loss == (int)LossKind.CrossEntropy ? g : p * (g - gy);
                }
            }
            else
            {
                for (int k = 0; k < outputs; k++)
                {
                    float v = z[k * lanes + b], t = k == label ? 1f : 0f;
                    if (kind == (int)ActivationKind.Sigmoid)
                    {
                        float s = 1f / (1f + MathF.Exp(-v));
                        y[k * lanes + b] = s;
                        if (loss == (int)LossKind.CrossEntropy)
                        {
                            total += MathF.Max(v, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(v))) - t * v;
                            delta[k * lanes + b] = s - t;
                        }
                        else
                        {
                            total += 0.5f * (s - t) * (s - t);
                            // MseReference: the reference code's σ'(y) instead of σ'(z) (see LossKind).
                            float r = loss == (int)LossKind.MseReference ? 1f / (1f + MathF.Exp(-s)) : s;
                            delta[k * lanes + b] = (s - t) * r * (1f - r);
                        }
                    }
                    else
                    {
                        y[k * lanes + b] = v;
                        total += 0.5f * (v - t) * (v - t);
                        delta[k * lanes + b] = v - t;
                    }
                }
            }
            lossOut[slot + b] = total;
            correctOut[slot + b] = best == label ? 1 : 0;
        }
    }
}
