namespace SetGpu.Rbm;

/// <summary>What one epoch of RBM training did and measured.</summary>
public sealed record RbmEpochRecord
{
    /// <summary>0-based epoch index.</summary>
    public int Epoch { get; init; }
    /// <summary>Mean one-step reconstruction error of the epoch's batches, measured before each update (the reference's training error).</summary>
    public double TrainReconstructionError { get; init; }
    /// <summary>One-step reconstruction error on the test split after the epoch's training, before its evolution.</summary>
    public double TestReconstructionError { get; init; }
    /// <summary>One-step reconstruction error on the fixed training subset (as many samples as the test split) after the epoch.</summary>
    public double TrainSubsetReconstructionError { get; init; }
    /// <summary>Mean free energy of the fixed training subset.</summary>
    public double TrainFreeEnergy { get; init; }
    /// <summary>Mean free energy of the test split.</summary>
    public double TestFreeEnergy { get; init; }
    /// <summary>
    /// TrainFreeEnergy − TestFreeEnergy. Near 0 while the RBM generalises; it turns more and more negative as the
    /// model overfits (training samples get lower free energy, i.e. higher probability, than held-out ones).
    /// </summary>
    public double FreeEnergyGap { get; init; }
    /// <summary>Seconds spent training (CD steps and updates).</summary>
    public double TrainSeconds { get; init; }
    /// <summary>Seconds spent on the evaluations (test split and training subset).</summary>
    public double EvaluationSeconds { get; init; }
    /// <summary>Seconds spent evolving the topology (0 when it did not evolve).</summary>
    public double EvolutionSeconds { get; init; }
    /// <summary>Connections at the end of the epoch.</summary>
    public long Connections { get; init; }
    /// <summary>Connections pruned by this epoch's evolution.</summary>
    public long Pruned { get; init; }
    /// <summary>Connections regrown by this epoch's evolution.</summary>
    public long Regrown { get; init; }
    /// <summary>The AIS log-likelihood estimate on the test split, when one was made after this epoch (before its evolution).</summary>
    public RbmLikelihood? TestLogLikelihood { get; init; }
}
