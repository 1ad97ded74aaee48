namespace SetGpu.Distributed;

/// <summary>How the ranks of a data-parallel run combine their work.</summary>
public enum DistributedMode
{
    /// <summary>
    /// Synchronous data parallel: every step, each rank trains on its slice of one global batch (ranks × the
    /// specification's batch size) and the ranks average the step's result, so every rank holds the same network, equal
    /// to one process's training on the global batch at the same learning rate.
    /// </summary>
    Sync,
    /// <summary>
    /// Local SGD: each rank trains on its own shard of the data and the ranks average their values every
    /// <see cref="DistributedTraining.AverageEvery"/> steps and at the end of every epoch, before evaluation and evolution,
    /// so the topology stays shared.
    /// </summary>
    LocalSgd,
}

/// <summary>
/// Data-parallel training of one SET network over several processes (<c>FitOptions.Distributed</c>). Every rank calls
/// <c>Fit</c> with the same specification, data and options; rank 0 alone writes checkpoints.
/// </summary>
public sealed record DistributedTraining(ICommunicator Communicator, DistributedMode Mode)
{
    /// <summary>Local SGD: steps between two averagings (0: only at the end of each epoch). Ignored in sync mode.</summary>
    public int AverageEvery { get; init; }

    /// <summary>
    /// How long one collective may wait for the other ranks before this rank reports the job as broken and ends the
    /// process (a rank that hangs, or whose death the launcher did not notice).
    /// </summary>
    public TimeSpan CollectiveTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether this rank is rank 0, which writes checkpoints and (in the command line) prints.</summary>
    public bool IsRoot => Communicator.Rank == 0;

    /// <summary>The mode as the command line writes it.</summary>
    public static string Name(DistributedMode mode) => mode == DistributedMode.Sync ? "sync" : "local-sgd";
}

/// <summary>What the ranks exchanged in one epoch (per rank: each sends and receives about this much payload).</summary>
/// <param name="Ranks">Ranks in the job.</param>
/// <param name="Mode">sync or local-sgd.</param>
/// <param name="Averagings">Parameter averagings (allreduces of the parameter vector) in the epoch.</param>
/// <param name="PayloadBytes">Bytes of the vectors this rank gave to allreduces in the epoch.</param>
/// <param name="Seconds">Seconds this rank spent inside collectives (waiting for slower ranks included).</param>
public sealed record EpochCommunication(int Ranks, string Mode, int Averagings, long PayloadBytes, double Seconds);
