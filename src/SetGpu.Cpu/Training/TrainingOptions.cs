namespace SetGpu.Training;

/// <summary>How the learning rate changes from epoch to epoch.</summary>
public enum LearningRateSchedule
{
    /// <summary>The same rate every epoch (the SET reference code).</summary>
    Constant,
    /// <summary>Cosine annealing: η·½(1 + cos(π·epoch/epochs)), from η down towards 0.</summary>
    Cosine,
}

/// <summary>How a network is trained: optimiser, regularisation, batches, epochs, seed.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Samples per mini-batch.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>SGD step size.</summary>
    public float LearningRate { get; init; } = 0.01f;
    /// <summary>How the learning rate changes over the epochs.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    /// <summary>Momentum coefficient μ (0 for plain SGD).</summary>
    public float Momentum { get; init; } = 0.9f;
    /// <summary>Nesterov momentum instead of classical momentum.</summary>
    public bool Nesterov { get; init; }
    /// <summary>
    /// Weight decay λ, decoupled and applied per step as the SET reference code does: w ← w + Δ − λ·w
    /// (biases too).
    /// </summary>
    public float WeightDecay { get; init; } = 0.0002f;
    /// <summary>Dropout rate on hidden layers during training (inverted dropout; 0 disables).</summary>
    public float Dropout { get; init; }
    /// <summary>Seed of data order, dropout, topology and initial values.</summary>
    public ulong Seed { get; init; } = 42;
    /// <summary>Samples per batch when evaluating (no effect on results).</summary>
    public int EvaluationBatchSize { get; init; } = 256;
    /// <summary>
    /// Record the first layer's connections per input neuron after every epoch (<c>EpochRecord.InputConnections</c>),
    /// the data of the input-connectivity movie (no effect on results).
    /// </summary>
    public bool RecordInputConnectivity { get; init; }

    /// <summary>The learning rate of epoch <paramref name="epoch"/> (0-based) under <see cref="Schedule"/>.</summary>
    public float LearningRateAt(int epoch) => Schedule switch
    {
        // Half a cosine from the full rate at the first epoch towards zero after the last one.
        LearningRateSchedule.Cosine => (float)(LearningRate * 0.5 * (1 + Math.Cos(Math.PI * epoch / Epochs))),
        _ => LearningRate,
    };

    /// <summary>The schedule's factor at <paramref name="epoch"/>: LearningRateAt(epoch) / LearningRate.</summary>
    public double ScheduleFactor(int epoch) => LearningRateAt(epoch) / (double)LearningRate;

    /// <summary>
    /// These options at learning rate <paramref name="learningRate"/>, with the decoupled weight decay scaled by the
    /// same factor: without that, a schedule that lowers the rate would let the per-step decay shrink the weights
    /// faster than the gradient can hold them (the equilibrium |w| goes as η/λ).
    /// </summary>
    public TrainingOptions AtLearningRate(float learningRate) =>
        this with { LearningRate = learningRate, WeightDecay = WeightDecay * (learningRate / LearningRate) };

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
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"dropout must lie in [0, 1), got {Dropout}");
        if (EvaluationBatchSize < 1) throw new ArgumentException($"evaluation batch size must be at least 1, got {EvaluationBatchSize}");
    }
}
