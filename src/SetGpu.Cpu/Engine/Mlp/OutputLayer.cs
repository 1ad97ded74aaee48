using SetGpu.Model;

namespace SetGpu.Cpu;

/// <summary>
/// The output activation (softmax needs the whole layer), the loss and its gradient with respect to the output
/// pre-activation, per sample of a feature-major batch.
/// </summary>
internal static class OutputLayer
{
    /// <summary>
    /// Turns z (outputs × batch) into y in place of <paramref name="y"/>, adds each sample's loss and whether its
    /// arg-max equals its label; writes δ = ∂loss/∂z when <paramref name="delta"/> is not null.
    /// </summary>
    public static (double LossSum, int Correct) Run(LayerActivation activation, LossKind loss, float[] z, float[] y,
                                                    float[]? delta, ReadOnlySpan<int> labels, int outputs, int batch)
    {
        double lossSum = 0;
        int correct = 0;
        Span<float> column = outputs <= 1024 ? stackalloc float[outputs] : new float[outputs];
        for (int b = 0; b < batch; b++)
        {
            int label = labels[b];
            for (int k = 0; k < outputs; k++) column[k] = z[k * batch + b];
            lossSum += activation.Kind switch
            {
                ActivationKind.Softmax => Softmax(column, label, loss),
                ActivationKind.Sigmoid => Sigmoid(column, label, loss),
                _ => Linear(column, label),
            };
            // column now holds δ; recompute y from z for the outputs and the arg-max.
            int best = 0;
            float bestValue = float.NegativeInfinity;
            for (int k = 0; k < outputs; k++)
            {
                float zk = z[k * batch + b];
                if (zk > bestValue) { bestValue = zk; best = k; } // every output activation is monotone in z
                if (delta is not null) delta[k * batch + b] = column[k];
            }
            if (activation.Kind == ActivationKind.Softmax) SoftmaxInto(z, y, b, outputs, batch);
            else
                for (int k = 0; k < outputs; k++)
                    y[k * batch + b] = activation.Kind == ActivationKind.Sigmoid ? 1f / (1f + MathF.Exp(-z[k * batch + b])) : z[k * batch + b];
            correct += best == label ? 1 : 0;
        }
        return (lossSum, correct);
    }

    /// <summary>
    /// An autoencoder's output layer: y = σ(z) or z in place of <paramref name="y"/> against the clean inputs
    /// <paramref name="targets"/> (outputs × batch, feature-major); returns Σ (y − t)² over the block and writes
    /// δ = ∂(½‖y − t‖²)/∂z when <paramref name="delta"/> is not null. Same formulas as the ILGPU kernel
    /// <c>TrainingKernels.ReconstructionOutput</c>.
    /// </summary>
    public static double Reconstruct(LayerActivation activation, float[] z, float[] y, float[]? delta, float[] targets,
                                     int outputs, int batch)
    {
        bool sigmoid = activation.Kind == ActivationKind.Sigmoid;
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            float sampleTotal = 0f; // per sample in float, as the kernel sums it
            for (int k = 0; k < outputs; k++)
            {
                int e = k * batch + b;
                float v = z[e], t = targets[e];
                float yk = sigmoid ? 1f / (1f + MathF.Exp(-v)) : v, g = yk - t;
                y[e] = yk;
                sampleTotal += g * g;
                if (delta is not null) delta[e] = sigmoid ? g * yk * (1f - yk) : g;
            }
            total += sampleTotal;
        }
        return total;
    }

    /// <summary>Softmax of one sample; loss (CE or ½·MSE), and δ left in <paramref name="v"/>.</summary>
    static double Softmax(Span<float> v, int label, LossKind loss)
    {
        float max = float.NegativeInfinity;
        foreach (float x in v) max = MathF.Max(max, x);
        double sum = 0;
        for (int k = 0; k < v.Length; k++) sum += Math.Exp(v[k] - max);
        double logSum = Math.Log(sum);
        double crossEntropy = logSum + max - v[label];
        for (int k = 0; k < v.Length; k++) v[k] = (float)Math.Exp(v[k] - max - logSum); // y
        if (loss == LossKind.CrossEntropy)
        {
            v[label] -= 1f; // δ = y − t
            return crossEntropy;
        }
        // MSE through softmax: δ_k = y_k·(g_k − Σ_m g_m·y_m), with g = y − t.
        double mse = 0, gy = 0;
        for (int k = 0; k < v.Length; k++)
        {
            float g = v[k] - (k == label ? 1f : 0f);
            mse += 0.5 * g * g;
            gy += g * v[k];
        }
        for (int k = 0; k < v.Length; k++) v[k] *= v[k] - (k == label ? 1f : 0f) - (float)gy;
        return mse;
    }

    static double Sigmoid(Span<float> v, int label, LossKind loss)
    {
        double total = 0;
        for (int k = 0; k < v.Length; k++)
        {
            float z = v[k], t = k == label ? 1f : 0f;
            float y = 1f / (1f + MathF.Exp(-z));
            if (loss == LossKind.CrossEntropy)
            {
                // Binary cross-entropy from z, stable for large |z|: softplus(z) − t·z.
                total += Math.Max(z, 0f) + Math.Log(1 + Math.Exp(-Math.Abs(z))) - t * z;
                v[k] = y - t;
            }
            else
            {
                total += 0.5 * (y - t) * (y - t);
                v[k] = (y - t) * SigmoidSlopeFor(loss, y);
            }
        }
        return total;
    }

    /// <summary>σ'(z) = y·(1 − y) for MSE; the reference's σ'(y) = σ(y)·(1 − σ(y)) for <see cref="LossKind.MseReference"/>.</summary>
    internal static float SigmoidSlopeFor(LossKind loss, float y)
    {
        if (loss != LossKind.MseReference) return y * (1f - y);
        float s = 1f / (1f + MathF.Exp(-y));
        return s * (1f - s);
    }

    static double Linear(Span<float> v, int label)
    {
        double total = 0;
        for (int k = 0; k < v.Length; k++)
        {
            float g = v[k] - (k == label ? 1f : 0f);
            total += 0.5 * g * g;
            v[k] = g;
        }
        return total;
    }

    static void SoftmaxInto(float[] z, float[] y, int b, int outputs, int batch)
    {
        float max = float.NegativeInfinity;
        for (int k = 0; k < outputs; k++) max = MathF.Max(max, z[k * batch + b]);
        float sum = 0;
        for (int k = 0; k < outputs; k++) sum += y[k * batch + b] = MathF.Exp(z[k * batch + b] - max);
        for (int k = 0; k < outputs; k++) y[k * batch + b] /= sum;
    }
}
