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

    /// <summary>The dropout factor of (neuron, sample): 0 for a dropped unit, the keep scale otherwise (as the CPU engine's).</summary>
    public readonly float DropFactor(int neuron, int sample, int batch) =>
        DropoutMask.Factor(DropoutKey, neuron, sample, batch, DropoutRate, KeepScale);
}
