namespace SetGpu.Rbm;

/// <summary>How an RBM is trained: contrastive divergence, optimiser, batches, epochs, seed, metrics.</summary>
public sealed record RbmTrainingOptions
{
    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Samples per mini-batch (the last batch of an epoch may be short).</summary>
    public int BatchSize { get; init; } = 10;
    /// <summary>Step size η.</summary>
    public float LearningRate { get; init; } = 0.1f;
    /// <summary>Momentum μ: Δ ← μ·Δ + η·g (0, the reference's setting, is plain SGD).</summary>
    public float Momentum { get; init; }
    /// <summary>Weight decay λ per step, as the reference code: w ← w + Δ − λ·w (biases too).</summary>
    public float WeightDecay { get; init; } = 2e-7f;
    /// <summary>k of CD-k: Gibbs steps in the negative phase (the reference's lengthMarkovChain = 2 is CD-1).</summary>
    public int CdSteps { get; init; } = 1;
    /// <summary>
    /// Persistent contrastive divergence: the negative phase continues one fantasy chain per batch slot from where
    /// the previous step left it, instead of starting from the data's hidden states.
    /// </summary>
    public bool Persistent { get; init; }
    /// <summary>
    /// Sample the visible units in the negative phase. Off by default: the reference uses their probabilities
    /// (means), which lowers the variance of the model statistics.
    /// </summary>
    public bool SampleVisible { get; init; }
    /// <summary>Seed of topology, initial values, sample order and every sampled state.</summary>
    public ulong Seed { get; init; } = 42;
    /// <summary>Samples per batch when evaluating (no effect on results).</summary>
    public int EvaluationBatchSize { get; init; } = 256;
    /// <summary>
    /// Annealed importance sampling of the log-likelihood: null for none, else after the last epoch, and also every
    /// <see cref="AisInterval"/> epochs when that is positive.
    /// </summary>
    public AisOptions? Ais { get; init; }
    /// <summary>Estimate the log-likelihood every this many epochs (0: only after the last, when <see cref="Ais"/> is set).</summary>
    public int AisInterval { get; init; }

    /// <summary>Refuses options that cannot train, naming the option and its value.</summary>
    public void Validate(int trainingSamples)
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {BatchSize}");
        if (BatchSize > trainingSamples)
            throw new ArgumentException($"batch size {BatchSize} is larger than the {trainingSamples} training samples");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
            throw new ArgumentException($"learning rate must be a positive number, got {LearningRate}");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentException($"momentum must lie in [0, 1), got {Momentum}");
        if (!(WeightDecay >= 0 && WeightDecay < 1)) throw new ArgumentException($"weight decay must lie in [0, 1), got {WeightDecay}");
        if (CdSteps < 1) throw new ArgumentException($"CD steps (k of CD-k) must be at least 1, got {CdSteps}");
        if (EvaluationBatchSize < 1) throw new ArgumentException($"evaluation batch size must be at least 1, got {EvaluationBatchSize}");
        if (AisInterval < 0) throw new ArgumentException($"AIS interval must be 0 or more epochs, got {AisInterval}");
        if (AisInterval > 0 && Ais is null) throw new ArgumentException("AIS interval is set but AIS is not (give the AIS options)");
        Ais?.Validate();
    }
}
