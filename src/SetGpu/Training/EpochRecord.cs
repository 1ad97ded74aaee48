namespace SetGpu.Training;

/// <summary>What one epoch did and measured.</summary>
public sealed record EpochRecord
{
    /// <summary>0-based epoch index.</summary>
    public int Epoch { get; init; }
    /// <summary>Mean training loss over the epoch, measured during training (dropout active).</summary>
    public double TrainLoss { get; init; }
    /// <summary>Mean loss on the test split after the epoch's training, before its evolution.</summary>
    public double TestLoss { get; init; }
    /// <summary>Accuracy on the test split after the epoch's training, before its evolution.</summary>
    public double TestAccuracy { get; init; }
    /// <summary>Seconds spent training (forward, backward, updates).</summary>
    public double TrainSeconds { get; init; }
    /// <summary>Seconds spent on the test evaluation.</summary>
    public double TestSeconds { get; init; }
    /// <summary>Seconds spent evolving the topology (0 when it did not evolve).</summary>
    public double EvolutionSeconds { get; init; }
    /// <summary>Connections in all layers at the end of the epoch.</summary>
    public long Connections { get; init; }
    /// <summary>Connections pruned and regrown by this epoch's evolution (0 when it did not evolve).</summary>
    public long Rewired { get; init; }
    /// <summary>Connections per layer at the end of the epoch.</summary>
    public long[] LayerConnections { get; init; } = [];
    /// <summary>
    /// Connections of every input neuron (pixel) in the first layer at the end of the epoch, after its evolution: the
    /// CSR row lengths of layer 0. Recorded only with <see cref="TrainingOptions.RecordInputConnectivity"/>, else null.
    /// </summary>
    public int[]? InputConnections { get; init; }
}
