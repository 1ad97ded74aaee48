namespace SetGpu;

/// <summary>How the learning rate changes from epoch to epoch.</summary>
public enum LearningRateSchedule
{
    /// <summary>The same rate every epoch (the SET reference code).</summary>
    Constant,
    /// <summary>Cosine annealing: η·½(1 + cos(π·epoch/epochs)), from η down towards 0.</summary>
    Cosine,
}

/// <summary>
/// The optimiser's step sizes for one epoch, which the run loop hands to the engine with every slice of training:
/// the learning rate under the schedule, and the decoupled weight decay scaled by the same factor.
/// </summary>
/// <param name="LearningRate">η of this epoch.</param>
/// <param name="WeightDecay">λ of this epoch.</param>
public readonly record struct StepSize(float LearningRate, float WeightDecay);
