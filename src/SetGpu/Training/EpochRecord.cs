using SetGpu.Rbm;

namespace SetGpu.Training;

/// <summary>
/// What an evaluation of a model on one split measured. Every model reports a loss; the rest depends on the model.
/// </summary>
public sealed record Metrics
{
    /// <summary>
    /// Mean loss per sample: the MLP's training loss (cross-entropy or MSE); the RBM's one-step reconstruction error
    /// (mean over samples and visible units of (v − v̂)²).
    /// </summary>
    public double Loss { get; init; }
    /// <summary>Classification accuracy (MLP).</summary>
    public double? Accuracy { get; init; }
    /// <summary>Mean free energy F(v) of the samples (RBM).</summary>
    public double? FreeEnergy { get; init; }
    /// <summary>The annealed-importance-sampling log-likelihood estimate, when one was made after this epoch (RBM).</summary>
    public RbmLikelihood? LogLikelihood { get; init; }
    /// <summary>Samples evaluated.</summary>
    public int Samples { get; init; }
    /// <summary>What the forward passes showed of the network (MLP); the report keeps it in <see cref="EpochRecord.Health"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public NetworkActivity? Activity { get; init; }
}

/// <summary>What one epoch did and measured: training, the evaluations after it, then its evolution.</summary>
public sealed record EpochRecord
{
    /// <summary>0-based epoch index.</summary>
    public int Epoch { get; init; }
    /// <summary>The learning rate the epoch trained at.</summary>
    public double LearningRate { get; init; }
    /// <summary>Mean training loss over the epoch, measured as it trained (dropout active; for the RBM, before each update).</summary>
    public double TrainLoss { get; init; }
    /// <summary>The validation split after the epoch's training, before its evolution: what choices are made on.</summary>
    public Metrics? Validation { get; init; }
    /// <summary>The test split after the epoch's training, before its evolution: reported, never used for a choice.</summary>
    public Metrics? Test { get; init; }
    /// <summary>
    /// A fixed subset of the training split as large as the held-out split, evaluated like it (RBM: its free energy
    /// against the held-out one shows overfitting).
    /// </summary>
    public Metrics? TrainSubset { get; init; }
    /// <summary>Seconds spent training (forward, backward, updates).</summary>
    public double TrainSeconds { get; init; }
    /// <summary>Seconds spent on the evaluations.</summary>
    public double EvaluationSeconds { get; init; }
    /// <summary>Seconds spent evolving the topology (0 when it did not evolve).</summary>
    public double EvolutionSeconds { get; init; }
    /// <summary>ζ of this epoch's evolution (0 when it did not evolve).</summary>
    public double Zeta { get; init; }
    /// <summary>Connections in all layers at the end of the epoch.</summary>
    public long Connections { get; init; }
    /// <summary>Connections per layer at the end of the epoch.</summary>
    public long[] LayerConnections { get; init; } = [];
    /// <summary>Connections removed by this epoch's evolution.</summary>
    public long Pruned { get; init; }
    /// <summary>Connections regrown by this epoch's evolution (as many as pruned, except after the last epoch).</summary>
    public long Regrown { get; init; }
    /// <summary>
    /// Connections of every input neuron in the first layer at the end of the epoch, after its evolution: the CSR row
    /// lengths of layer 0, recorded only when asked for (<see cref="FitOptions.RecordInputConnectivity"/>).
    /// </summary>
    public int[]? InputConnections { get; init; }
    /// <summary>
    /// The learning-health checks of the epoch (MLP runs with a validation or test split; null otherwise and in reports
    /// written before the checks existed).
    /// </summary>
    public EpochHealth? Health { get; init; }
    /// <summary>What the ranks of a distributed run exchanged in this epoch; null for one process.</summary>
    public Distributed.EpochCommunication? Communication { get; init; }

    /// <summary>
    /// Mean free energy of the training subset minus the held-out split's (RBM): near 0 while the model generalises, more
    /// and more negative as it overfits.
    /// </summary>
    public double? FreeEnergyGap => TrainSubset?.FreeEnergy - (Test ?? Validation)?.FreeEnergy;
}
