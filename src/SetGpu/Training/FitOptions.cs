using SetGpu.Checkpoints;
using SetGpu.Data;

namespace SetGpu.Training;

/// <summary>Where and how often a run saves its checkpoint, and what it needs to resume on the same data.</summary>
public sealed record CheckpointPolicy
{
    /// <summary>The checkpoint file (each save replaces it atomically).</summary>
    public required string Path { get; init; }
    /// <summary>Save after every this many epochs of the run (and always after the last one trained); 0 saves only then.</summary>
    public int EveryEpochs { get; init; } = 1;
    /// <summary>The data the run trains on, kept so that a resumed run can check it continues on the same data.</summary>
    public DataIdentity? Data { get; init; }
    /// <summary>The standardisation fitted on the training split, kept to apply to new data before predicting.</summary>
    public Standardizer? Scaling { get; init; }
    /// <summary>Hears of every save (called on the training thread).</summary>
    public IProgress<CheckpointSaved>? Saved { get; init; }
}

/// <summary>A checkpoint was saved: <paramref name="Epochs"/> epochs done, <paramref name="Bytes"/> bytes in <paramref name="Seconds"/> s.</summary>
public readonly record struct CheckpointSaved(string Path, int Epochs, long Bytes, double Seconds);

/// <summary>How one call of <c>Fit</c> runs, beyond the specification: what it reports and saves, and how far it goes.</summary>
public sealed record FitOptions
{
    /// <summary>Hears of every finished epoch (called on the training thread, in order).</summary>
    public IProgress<EpochRecord>? Progress { get; init; }
    /// <summary>Hears of every finished batch (called on the training thread, in order).</summary>
    public IProgress<BatchProgress>? BatchProgress { get; init; }
    /// <summary>Checkpoints of the run, or null for none.</summary>
    public CheckpointPolicy? Checkpoints { get; init; }
    /// <summary>Train at most this many epochs in this call, then return; a later <c>Fit</c> continues. Null: to the end.</summary>
    public int? MaxEpochs { get; init; }
    /// <summary>
    /// Record the first layer's connections per input neuron before training and after every epoch
    /// (<see cref="EpochRecord.InputConnections"/>): the data of the input-connectivity movie. No effect on results.
    /// </summary>
    public bool RecordInputConnectivity { get; init; }
    /// <summary>
    /// Train as one rank of a data-parallel job (every rank calls <c>Fit</c> alike; rank 0 alone saves checkpoints), or
    /// null for one process. Distributed epochs are never stopped midway: a cancellation on any rank stops every rank
    /// after the epoch in progress (saved when checkpoints are on).
    /// </summary>
    public Distributed.DistributedTraining? Distributed { get; init; }
}
