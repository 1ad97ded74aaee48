using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// The optimiser at one training step, as the update kernels apply it to a parameter with its state arrays: SGD with
/// momentum and decoupled weight decay (Kind 0, the CPU engine's SgdStep), Adam (1) or AdamW (2) with the step's bias
/// corrections (the CPU engine's AdamStep, the same expression in the same order). The kind is a runtime value: the
/// branch is uniform across a launch, and one instantiation of each kernel serves every optimiser.
/// </summary>
internal struct OptimizerParams
{
    public const int Sgd = 0, Adam = 1, AdamW = 2;

    public float LearningRate, Momentum, Decay;
    public int Nesterov;
    public int Kind;
    public float Beta1, OneMinusBeta1, Beta2, OneMinusBeta2, Epsilon, Correction1, Correction2;

    /// <summary>
    /// The parameters of <paramref name="optimizer"/> at <paramref name="step"/>'s sizes and training step
    /// <paramref name="t"/> (0-based, global), the decay left out when <paramref name="decay"/> is false (learned
    /// activation parameters).
    /// </summary>
    public static OptimizerParams Of(Optimizer optimizer, StepSize step, long t, bool decay = true)
    {
        var p = new OptimizerParams { LearningRate = step.LearningRate, Decay = decay ? step.WeightDecay : 0f };
        switch (optimizer)
        {
            case SetGpu.Sgd sgd:
                p.Momentum = sgd.Momentum;
                p.Nesterov = sgd.Nesterov ? 1 : 0;
                break;
            case AdaptiveMoments adam:
                p.Kind = adam is SetGpu.AdamW ? AdamW : Adam;
                p.Beta1 = adam.Beta1;
                p.OneMinusBeta1 = 1f - adam.Beta1;
                p.Beta2 = adam.Beta2;
                p.OneMinusBeta2 = 1f - adam.Beta2;
                p.Epsilon = adam.Epsilon;
                (p.Correction1, p.Correction2) = adam.BiasCorrections(t);
                break;
            default:
                throw new NotSupportedException($"the ILGPU engine has no {optimizer.GetType().Name} optimiser");
        }
        return p;
    }

    /// <summary>
    /// Parameter k of <paramref name="values"/> takes one step with mean gradient <paramref name="g"/>, its state in
    /// <paramref name="first"/> (SGD's velocity, Adam's m) and <paramref name="second"/> (Adam's v; SGD never reads it).
    /// </summary>
    public readonly void Step<TF>(TF values, TF first, TF second, int k, float g) where TF : struct, IDeviceArray<float>
    {
        float w = values[k];
        if (Kind == Sgd)
        {
            float v = Momentum * first[k] - LearningRate * g;
            first[k] = v;
            values[k] = w + (Nesterov != 0 ? Momentum * v - LearningRate * g : v) - Decay * w;
            return;
        }
        bool decoupled = Kind == AdamW;
        if (!decoupled) g += Decay * w;
        float m = Beta1 * first[k] + OneMinusBeta1 * g;
        float s = Beta2 * second[k] + OneMinusBeta2 * (g * g);
        first[k] = m;
        second[k] = s;
        float u = m * Correction1 / (MathF.Sqrt(s * Correction2) + Epsilon);
        values[k] = decoupled ? w - LearningRate * (u + Decay * w) : w - LearningRate * u;
    }
}

/// <summary>A layer's activation and the dropout on its output (Enabled = 0: none).</summary>
internal struct ActivationParams
{
    public int Kind; // ActivationKind
    public float Slope;
    public ulong DropoutKey;
    public float DropoutRate, KeepScale;
    public int DropoutEnabled;

    /// <summary>The dropout factor of (neuron, sample): 0 for a dropped unit, the keep scale otherwise (as the CPU engine's).</summary>
    public readonly float DropFactor(int neuron, int sample, int batch) =>
        DropoutMask.Factor(DropoutKey, neuron, sample, batch, DropoutRate, KeepScale);
}

/// <summary>One neuron's activation: the layer's kind with, for SReLU, the neuron's four parameters read once.</summary>
internal struct NeuronActivation
{
    public int Kind;
    public float Slope, LeftThreshold, LeftSlope, RightThreshold, RightSlope;

    /// <summary>Neuron <paramref name="j"/>'s activation in <paramref name="layer"/> of <paramref name="outputs"/> neurons.</summary>
    public static NeuronActivation Of<TF, TI>(LayerArrays<TF, TI> layer, int j, int outputs, ActivationParams act)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int>
    {
        var f = new NeuronActivation { Kind = act.Kind, Slope = act.Slope };
        if (act.Kind == (int)ActivationKind.SRelu)
        {
            f.LeftThreshold = layer.ActivationParameters[SReluParameters.LeftThreshold * outputs + j];
            f.LeftSlope = layer.ActivationParameters[SReluParameters.LeftSlope * outputs + j];
            f.RightThreshold = layer.ActivationParameters[SReluParameters.RightThreshold * outputs + j];
            f.RightSlope = layer.ActivationParameters[SReluParameters.RightSlope * outputs + j];
        }
        return f;
    }

    /// <summary>f(z).</summary>
    public readonly float Apply(float z) => Kind == (int)ActivationKind.SRelu
        ? SReluParameters.Apply(z, LeftThreshold, LeftSlope, RightThreshold, RightSlope)
        : ActivationMath.Apply((ActivationKind)Kind, Slope, z);
}
