using SetGpu.Checkpoints;

namespace SetGpu.Training;

/// <summary>
/// What a SET model supplies to the run loop (<see cref="SetRun"/>): its engine, its record of the run, and its own
/// evaluation after an epoch. Everything else — sample order, schedules, evolution, timing, divergence, early stopping,
/// observers and checkpoints — the loop does the same for every model.
/// </summary>
internal interface ITrainableModel
{
    /// <summary>The specification the model was made from.</summary>
    SetSpec Spec { get; }
    /// <summary>The engine holding the model's state.</summary>
    ISetEngine Engine { get; }
    /// <summary>The run so far (the loop appends to it).</summary>
    TrainingReport Report { get; }
    /// <summary>The epoch in progress (the loop keeps it here between calls, so that a cancelled run continues exactly).</summary>
    RunState State { get; }

    /// <summary>The evaluations after epoch <paramref name="epoch"/>'s training, before its evolution.</summary>
    EpochMetrics Evaluate(int epoch, TrainingData data);

    /// <summary>The whole state now, as a checkpoint.</summary>
    TrainingCheckpoint Capture(DataIdentity? data, Data.Standardizer? scaling);
}

/// <summary>A model's evaluations after one epoch.</summary>
internal readonly record struct EpochMetrics(Metrics? Validation, Metrics? Test, Metrics? TrainSubset);

/// <summary>
/// The epoch in progress: which one, how far its training got (a cancelled <c>Fit</c> stops between two batches) and
/// the seconds it has trained so far. Kept in checkpoints, so a run saved mid-epoch resumes exactly too.
/// </summary>
public sealed record RunState
{
    /// <summary>The epoch in progress (0-based).</summary>
    public int Epoch { get; set; }
    /// <summary>How far its training got.</summary>
    public EpochPosition Position { get; set; }
    /// <summary>Seconds it has trained so far.</summary>
    public double TrainSeconds { get; set; }

    /// <summary>Whether an epoch's training has started and not finished.</summary>
    public bool InProgress => Position.Batch > 0;

    /// <summary>Starts epoch <paramref name="epoch"/> from its first batch.</summary>
    public void Begin(int epoch)
    {
        Epoch = epoch;
        Position = default;
        TrainSeconds = 0;
    }
}
