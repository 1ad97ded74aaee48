using ILGPU;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Gpu.Kernels;

/// <summary>One layer's device arrays as kernels see them (see <see cref="DeviceLayer"/>).</summary>
internal struct LayerView
{
    public ArrayView<int> RowOffsets, Columns;
    public ArrayView<float> Weights, Velocity, Bias, BiasVelocity;
    public ArrayView<int> IncomingOffsets, IncomingInputs, IncomingWeightIndex;
}

/// <summary>SGD with momentum and decoupled weight decay (the CPU engine's OptimizerStep).</summary>
internal struct OptimizerParams
{
    public float LearningRate, Momentum, Decay;
    public int Nesterov;
}

/// <summary>A layer's activation and the dropout on its output (Enabled = 0: none).</summary>
internal struct ActivationParams
{
    public int Kind; // ActivationKind
    public float Slope;
    public ulong DropoutKey;
    public float DropoutRate, KeepScale;
    public int DropoutEnabled;
}

/// <summary>
/// The training kernels of the ILGPU engine, one launch each per layer and step. All are grid-stride loops over
/// their work items with the stride hoisted (on ILGPU's CPU accelerator Grid/Group reads are thread-local lookups),
/// sum in a fixed order (no float atomics anywhere, so results are deterministic), and use feature-major activations
/// (neuron × batch, batch contiguous): threads that follow each other handle the samples of one neuron, read the
/// same index entries and coalesce their activation reads.
/// </summary>
internal static class TrainingKernels
{
    /// <summary>a0[f, b] = features[order[offset + b], f]: the batch's inputs, feature-major.</summary>
    public static void GatherBatch(ArrayView<float> features, ArrayView<int> order, int offset, int batch,
                                   int featureCount, ArrayView<float> input)
    {
        int stride = Grid.DimX * Group.DimX, n = featureCount * batch;
        for (int e = Grid.GlobalLinearIndex; e < n; e += stride)
        {
            int f = e / batch, b = e - f * batch;
            input[e] = features[(long)order[offset + b] * featureCount + f];
        }
    }

    /// <summary>Samples one work item of the gathers handles: its sums stay in registers while it walks the index.</summary>
    public const int SampleTile = 4;

    /// <summary>
    /// The forward gather (SpMM): z[j,b] = bias[j] + Σ over j's incoming connections W[perm[t]]·x[in[t], b];
    /// a = f(z) with dropout (softmax is left to <see cref="Output"/>). One work item per neuron and tile of
    /// <see cref="SampleTile"/> samples: each index entry and weight read serves the whole tile, which is what makes
    /// the kernel fast on ILGPU's CPU accelerator (every view access costs there), and neighbouring work items still
    /// read neighbouring activations on a GPU.
    /// </summary>
    public static void Forward(LayerView layer, ArrayView<float> x, ArrayView<float> z, ArrayView<float> a,
                               int outputs, int batch, ActivationParams act)
    {
        int stride = Grid.DimX * Group.DimX, tiles = (batch + SampleTile - 1) / SampleTile, n = outputs * tiles;
        for (int item = Grid.GlobalLinearIndex; item < n; item += stride)
        {
            int j = item / tiles, b0 = (item - j * tiles) * SampleTile, count = Math.Min(SampleTile, batch - b0);
            float bias = layer.Bias[j], s0 = bias, s1 = bias, s2 = bias, s3 = bias;
            int end = layer.IncomingOffsets[j + 1];
            for (int t = layer.IncomingOffsets[j]; t < end; t++)
            {
                float w = layer.Weights[layer.IncomingWeightIndex[t]];
                int at = layer.IncomingInputs[t] * batch + b0;
                s0 += w * x[at];
                if (count > 1) s1 += w * x[at + 1];
                if (count > 2) s2 += w * x[at + 2];
                if (count > 3) s3 += w * x[at + 3];
            }
            int e = j * batch + b0;
            Finish(z, a, e, b0, j, batch, act, s0);
            if (count > 1) Finish(z, a, e + 1, b0 + 1, j, batch, act, s1);
            if (count > 2) Finish(z, a, e + 2, b0 + 2, j, batch, act, s2);
            if (count > 3) Finish(z, a, e + 3, b0 + 3, j, batch, act, s3);
        }
    }

    static void Finish(ArrayView<float> z, ArrayView<float> a, int e, int b, int j, int batch, ActivationParams act, float sum)
    {
        z[e] = sum;
        if (act.Kind == (int)ActivationKind.Softmax) return;
        float v = ActivationMath.Apply((ActivationKind)act.Kind, act.Slope, sum);
        if (act.DropoutEnabled != 0) v *= DropFactor(act, j, b, batch);
        a[e] = v;
    }

    /// <summary>
    /// Output activation, loss and δ = ∂loss/∂z per sample (one work item per sample): the loss goes to
    /// lossOut[slot + b] and whether the arg-max is the label to correctOut[slot + b]. Same formulas as the CPU
    /// engine's OutputLayer.
    /// </summary>
    public static void Output(ArrayView<float> z, ArrayView<float> y, ArrayView<float> delta, ArrayView<int> labels,
                              ArrayView<int> order, int offset, int batch, int outputs, int kind, int loss,
                              ArrayView<float> lossOut, ArrayView<int> correctOut, int slot)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int b = Grid.GlobalLinearIndex; b < batch; b += stride)
        {
            int label = labels[order[offset + b]];
            float max = float.NegativeInfinity;
            int best = 0;
            for (int k = 0; k < outputs; k++)
            {
                float v = z[k * batch + b];
                if (v > max) { max = v; best = k; }
            }
            float total = 0f;
            if (kind == (int)ActivationKind.Softmax)
            {
                float sum = 0f;
                for (int k = 0; k < outputs; k++) sum += MathF.Exp(z[k * batch + b] - max);
                float logSum = MathF.Log(sum), gy = 0f;
                for (int k = 0; k < outputs; k++)
                {
                    float p = MathF.Exp(z[k * batch + b] - max - logSum);
                    y[k * batch + b] = p;
                    float g = p - (k == label ? 1f : 0f);
                    gy += g * p;
                    if (loss == (int)LossKind.Mse) total += 0.5f * g * g;
                }
                if (loss == (int)LossKind.CrossEntropy) total = logSum + max - z[label * batch + b];
                for (int k = 0; k < outputs; k++)
                {
                    float p = y[k * batch + b], g = p - (k == label ? 1f : 0f);
                    delta[k * batch + b] = loss == (int)LossKind.CrossEntropy ? g : p * (g - gy);
                }
            }
            else
            {
                for (int k = 0; k < outputs; k++)
                {
                    float v = z[k * batch + b], t = k == label ? 1f : 0f;
                    if (kind == (int)ActivationKind.Sigmoid)
                    {
                        float s = 1f / (1f + MathF.Exp(-v));
                        y[k * batch + b] = s;
                        if (loss == (int)LossKind.CrossEntropy)
                        {
                            total += MathF.Max(v, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(v))) - t * v;
                            delta[k * batch + b] = s - t;
                        }
                        else
                        {
                            total += 0.5f * (s - t) * (s - t);
                            // MseReference: the reference code's σ'(y) instead of σ'(z) (see LossKind).
                            float r = loss == (int)LossKind.MseReference ? 1f / (1f + MathF.Exp(-s)) : s;
                            delta[k * batch + b] = (s - t) * r * (1f - r);
                        }
                    }
                    else
                    {
                        y[k * batch + b] = v;
                        total += 0.5f * (v - t) * (v - t);
                        delta[k * batch + b] = v - t;
                    }
                }
            }
            lossOut[slot + b] = total;
            correctOut[slot + b] = best == label ? 1 : 0;
        }
    }

    /// <summary>
    /// The backward pass through a layer (transposed SpMM over the CSR rows, one work item per input neuron and tile of
    /// <see cref="SampleTile"/> samples): δin[i,b] = f'(z_in[i,b])·dropout[i,b]·Σ_k W[k]·δout[col[k], b], with the
    /// weights before this step's update.
    /// </summary>
    public static void Backward(LayerView layer, ArrayView<float> deltaOut, ArrayView<float> inputZ,
                                ArrayView<float> deltaIn, int inputs, int batch, ActivationParams inputAct)
    {
        int stride = Grid.DimX * Group.DimX, tiles = (batch + SampleTile - 1) / SampleTile, n = inputs * tiles;
        for (int item = Grid.GlobalLinearIndex; item < n; item += stride)
        {
            int i = item / tiles, b0 = (item - i * tiles) * SampleTile, count = Math.Min(SampleTile, batch - b0);
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            int end = layer.RowOffsets[i + 1];
            for (int k = layer.RowOffsets[i]; k < end; k++)
            {
                float w = layer.Weights[k];
                int at = layer.Columns[k] * batch + b0;
                s0 += w * deltaOut[at];
                if (count > 1) s1 += w * deltaOut[at + 1];
                if (count > 2) s2 += w * deltaOut[at + 2];
                if (count > 3) s3 += w * deltaOut[at + 3];
            }
            int e = i * batch + b0;
            deltaIn[e] = s0 * InputFactor(inputZ, e, i, b0, batch, inputAct);
            if (count > 1) deltaIn[e + 1] = s1 * InputFactor(inputZ, e + 1, i, b0 + 1, batch, inputAct);
            if (count > 2) deltaIn[e + 2] = s2 * InputFactor(inputZ, e + 2, i, b0 + 2, batch, inputAct);
            if (count > 3) deltaIn[e + 3] = s3 * InputFactor(inputZ, e + 3, i, b0 + 3, batch, inputAct);
        }
    }

    /// <summary>f'(z) times the dropout factor of input (i, b).</summary>
    static float InputFactor(ArrayView<float> inputZ, int e, int i, int b, int batch, ActivationParams act)
    {
        float g = ActivationMath.Derivative((ActivationKind)act.Kind, act.Slope, inputZ[e]);
        return act.DropoutEnabled != 0 ? g * DropFactor(act, i, b, batch) : g;
    }

    /// <summary>
    /// The weight gradient at existing connections (SDDMM, g[k] = mean_b δout[col[k], b]·x[i, b]) fused with the
    /// optimiser step; one work item per CSR row, so each weight has one writer.
    /// </summary>
    public static void UpdateWeights(LayerView layer, ArrayView<float> deltaOut, ArrayView<float> x, int inputs,
                                     int batch, OptimizerParams opt)
    {
        int stride = Grid.DimX * Group.DimX;
        float invBatch = 1f / batch;
        for (int i = Grid.GlobalLinearIndex; i < inputs; i += stride)
        {
            int end = layer.RowOffsets[i + 1];
            for (int k = layer.RowOffsets[i]; k < end; k++)
            {
                int column = layer.Columns[k];
                float g = 0f;
                for (int b = 0; b < batch; b++) g += deltaOut[column * batch + b] * x[i * batch + b];
                float w = layer.Weights[k];
                float v = opt.Momentum * layer.Velocity[k] - opt.LearningRate * g * invBatch;
                layer.Velocity[k] = v;
                layer.Weights[k] = w + (opt.Nesterov != 0 ? opt.Momentum * v - opt.LearningRate * g * invBatch : v) - opt.Decay * w;
            }
        }
    }

    /// <summary>Bias gradient (mean of δ over the batch) and optimiser step, one work item per output neuron.</summary>
    public static void UpdateBias(LayerView layer, ArrayView<float> deltaOut, int outputs, int batch, OptimizerParams opt)
    {
        int stride = Grid.DimX * Group.DimX;
        float invBatch = 1f / batch;
        for (int j = Grid.GlobalLinearIndex; j < outputs; j += stride)
        {
            float g = 0f;
            for (int b = 0; b < batch; b++) g += deltaOut[j * batch + b];
            g *= invBatch;
            float w = layer.Bias[j];
            float v = opt.Momentum * layer.BiasVelocity[j] - opt.LearningRate * g;
            layer.BiasVelocity[j] = v;
            layer.Bias[j] = w + (opt.Nesterov != 0 ? opt.Momentum * v - opt.LearningRate * g : v) - opt.Decay * w;
        }
    }

    static float DropFactor(ActivationParams act, int neuron, int sample, int batch) =>
        DropoutMask.Factor(act.DropoutKey, neuron, sample, batch, act.DropoutRate, act.KeepScale);
}
