using ILGPU;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Gpu.Kernels;

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
/// Four consecutive lanes (samples) of a feature-major block, read and written as one 16-byte access: a vector
/// load/store on a GPU (the widest coalesced access), and one access instead of four in the loops PoCL vectorises.
/// </summary>
internal struct Quad
{
    public float X, Y, Z, W;

    public Quad(float all) { X = all; Y = all; Z = all; W = all; }

    /// <summary>this + w·v, lane by lane.</summary>
    public readonly Quad AddScaled(float w, Quad v) =>
        new() { X = X + w * v.X, Y = Y + w * v.Y, Z = Z + w * v.Z, W = W + w * v.W };

    /// <summary>this + other, lane by lane.</summary>
    public readonly Quad Plus(Quad other) => new() { X = X + other.X, Y = Y + other.Y, Z = Z + other.Z, W = W + other.W };

    /// <summary>Lane c (0–3).</summary>
    public readonly float Lane(int c) => c == 0 ? X : c == 1 ? Y : c == 2 ? Z : W;

    /// <summary>Sets lane c (0–3).</summary>
    public void SetLane(int c, float value)
    {
        if (c == 0) X = value;
        else if (c == 1) Y = value;
        else if (c == 2) Z = value;
        else W = value;
    }
}

/// <summary>
/// The training kernels of the ILGPU engine, one launch each per layer and step. All are grid-stride loops over
/// their work items with the stride hoisted, sum in a fixed order (no float atomics anywhere, so results are
/// deterministic), and use feature-major activation blocks: neuron × lanes, where lanes is the batch rounded up to
/// a multiple of 4 (<see cref="Lanes"/>) so that blocks are read and written as <see cref="Quad"/>s. Padding lanes
/// hold zero inputs and zero deltas, so they add nothing to any gradient. Threads that follow each other handle
/// neighbouring quads of one neuron, read the same index entries and coalesce their activation reads. The kernels that
/// walk connections (Forward, Backward, UpdateWeights, UpdateBias) are generic over how they reach memory (<see cref="IDeviceArray{T}"/>:
/// views on a device, pointers on ILGPU's CPU accelerator); the engine launches them through
/// <see cref="TrainingLaunches{TF, TI, TQ, TKind}"/>.
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
    /// The forward gather (SpMM): z[j,b] = bias[j] + Σ over j's incoming connections W[perm[t]]·x[in[t], b];
    /// a = f(z) with dropout (softmax is left to <see cref="Output"/>). One work item per neuron and pair of quads
    /// (8 lanes): per connection three index/weight reads and two 16-byte activation reads feed eight multiply-adds.
    /// </summary>
    public static void Forward<TF, TI, TQ>(LayerArrays<TF, TI> layer, TQ x, TQ z, TQ a, int outputs, int batch, int quads,
                                           ActivationParams act)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int> where TQ : struct, IDeviceArray<Quad>
    {
        int stride = Grid.DimX * Group.DimX, pairs = (quads + 1) / 2, n = outputs * pairs;
        for (int item = Grid.GlobalLinearIndex; item < n; item += stride)
        {
            int j = item / pairs, q = (item - j * pairs) * 2;
            bool second = q + 1 < quads;
            // Even and odd connections into separate sums: four independent add chains instead of two, since the
            // add latency, not the loads, bounds a CPU running a work item (PoCL, the CPU accelerator).
            var s0 = new Quad(layer.Bias[j]);
            var s1 = s0;
            var u0 = new Quad(0f);
            var u1 = u0;
            int t = layer.IncomingOffsets[j], end = layer.IncomingOffsets[j + 1];
            for (; t + 1 < end; t += 2)
            {
                float w = layer.Weights[layer.IncomingWeightIndex[t]], v = layer.Weights[layer.IncomingWeightIndex[t + 1]];
                int at = layer.IncomingInputs[t] * quads + q, bt = layer.IncomingInputs[t + 1] * quads + q;
                s0 = s0.AddScaled(w, x[at]);
                u0 = u0.AddScaled(v, x[bt]);
                if (second)
                {
                    s1 = s1.AddScaled(w, x[at + 1]);
                    u1 = u1.AddScaled(v, x[bt + 1]);
                }
            }
            if (t < end)
            {
                float w = layer.Weights[layer.IncomingWeightIndex[t]];
                int at = layer.IncomingInputs[t] * quads + q;
                s0 = s0.AddScaled(w, x[at]);
                if (second) s1 = s1.AddScaled(w, x[at + 1]);
            }
            int e = j * quads + q;
            Finish(z, a, e, j, 4 * q, batch, act, s0.Plus(u0));
            if (second) Finish(z, a, e + 1, j, 4 * q + 4, batch, act, s1.Plus(u1));
        }
    }

    static void Finish<TQ>(TQ z, TQ a, int e, int j, int b0, int batch, ActivationParams act, Quad sum)
        where TQ : struct, IDeviceArray<Quad>
    {
        z[e] = sum;
        if (act.Kind == (int)ActivationKind.Softmax) return;
        var v = new Quad();
        for (int c = 0; c < 4; c++)
        {
            float y = ActivationMath.Apply((ActivationKind)act.Kind, act.Slope, sum.Lane(c));
            if (act.DropoutEnabled != 0) y *= DropFactor(act, j, b0 + c, batch);
            v.SetLane(c, y);
        }
        a[e] = v;
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
            if (act.DropoutEnabled != 0) g *= DropFactor(act, i, b0 + c, batch);
            result.SetLane(c, sum.Lane(c) * g);
        }
        return result;
    }

    /// <summary>
    /// The weight gradient at existing connections (SDDMM, g[k] = mean_b δout[col[k], b]·x[i, b]) fused with the
    /// optimiser step; one work item per CSR row, so each weight has one writer. Two connections per pass over the
    /// row's lanes share each read of x and keep two independent quad sums in flight.
    /// </summary>
    public static void UpdateWeights<TF, TI, TQ>(LayerArrays<TF, TI> layer, TQ deltaOut, TQ x, int inputs, int batch,
                                                 int quads, OptimizerParams opt)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int> where TQ : struct, IDeviceArray<Quad>
    {
        int stride = Grid.DimX * Group.DimX;
        float invBatch = 1f / batch;
        for (int i = Grid.GlobalLinearIndex; i < inputs; i += stride)
        {
            int k = layer.RowOffsets[i], end = layer.RowOffsets[i + 1], row = i * quads;
            for (; k + 1 < end; k += 2)
            {
                int first = layer.Columns[k] * quads, second = layer.Columns[k + 1] * quads;
                var g = new Quad(0f);
                var h = g;
                for (int q = 0; q < quads; q++)
                {
                    Quad v = x[row + q], d = deltaOut[first + q], e = deltaOut[second + q];
                    g.X += d.X * v.X; g.Y += d.Y * v.Y; g.Z += d.Z * v.Z; g.W += d.W * v.W;
                    h.X += e.X * v.X; h.Y += e.Y * v.Y; h.Z += e.Z * v.Z; h.W += e.W * v.W;
                }
                Step(layer.Weights, layer.Velocity, k, ((g.X + g.Y) + (g.Z + g.W)) * invBatch, opt);
                Step(layer.Weights, layer.Velocity, k + 1, ((h.X + h.Y) + (h.Z + h.W)) * invBatch, opt);
            }
            if (k < end)
            {
                int column = layer.Columns[k] * quads;
                var g = new Quad(0f);
                for (int q = 0; q < quads; q++)
                {
                    Quad v = x[row + q], d = deltaOut[column + q];
                    g.X += d.X * v.X; g.Y += d.Y * v.Y; g.Z += d.Z * v.Z; g.W += d.W * v.W;
                }
                Step(layer.Weights, layer.Velocity, k, ((g.X + g.Y) + (g.Z + g.W)) * invBatch, opt);
            }
        }
    }

    /// <summary>SGD with momentum (Nesterov optional) and decoupled weight decay on weight k, given its mean gradient.</summary>
    static void Step<TF>(TF weights, TF velocities, int k, float gradient, OptimizerParams opt)
        where TF : struct, IDeviceArray<float>
    {
        float w = weights[k];
        float velocity = opt.Momentum * velocities[k] - opt.LearningRate * gradient;
        velocities[k] = velocity;
        weights[k] = w + (opt.Nesterov != 0 ? opt.Momentum * velocity - opt.LearningRate * gradient : velocity) - opt.Decay * w;
    }

    /// <summary>Bias gradient (mean of δ over the batch) and optimiser step, one work item per output neuron.</summary>
    public static void UpdateBias<TF, TI, TQ>(LayerArrays<TF, TI> layer, TQ deltaOut, int outputs, int batch, int quads,
                                              OptimizerParams opt)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int> where TQ : struct, IDeviceArray<Quad>
    {
        int stride = Grid.DimX * Group.DimX;
        float invBatch = 1f / batch;
        for (int j = Grid.GlobalLinearIndex; j < outputs; j += stride)
        {
            float g = 0f;
            for (int q = 0; q < quads; q++)
            {
                Quad d = deltaOut[j * quads + q];
                g += (d.X + d.Y) + (d.Z + d.W);
            }
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
