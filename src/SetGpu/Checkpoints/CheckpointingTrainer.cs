using System.Diagnostics;
using SetGpu.Data;
using SetGpu.Training;

namespace SetGpu.Checkpoints;

/// <summary>Where and how often a run saves its checkpoint.</summary>
public sealed record CheckpointOptions
{
    /// <summary>The checkpoint file (each save replaces it atomically).</summary>
    public required string Path { get; init; }
    /// <summary>Save after every this many epochs (counted from the run's first epoch); 0 saves only at the end. The
    /// last epoch always saves.</summary>
    public int EveryEpochs { get; init; } = 1;
}

/// <summary>
/// <see cref="SetTrainer"/> with checkpoints: trains the epochs of the run that its report has not
/// recorded yet, saving a <see cref="TrainingCheckpoint"/> every N epochs and at the end. To resume, load the
/// checkpoint, build an engine from its network and pass its report: the results are those of an uninterrupted run.
/// </summary>
public static class CheckpointingTrainer
{
    /// <summary>
    /// Trains from epoch <c>report.Epochs.Count</c> to <see cref="TrainingOptions.Epochs"/> with the report's
    /// configuration, saving to <paramref name="checkpoints"/>.Path after every
    /// <see cref="CheckpointOptions.EveryEpochs"/> epochs and after the last. With <paramref name="untilEpoch"/>, stops
    /// (with a checkpoint) once that many epochs of the run are done: a time-boxed part of a longer run.
    /// </summary>
    public static TrainingReport Train(ISetEngine engine, DatasetSplit data, TrainingReport report, CheckpointOptions checkpoints,
                                       DataIdentity identity, Standardizer? scaling = null, ITrainingObserver? observer = null,
                                       int? untilEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(checkpoints);
        if (checkpoints.EveryEpochs < 0)
            throw new ArgumentException($"checkpoint interval must be 0 (only at the end) or more epochs, got {checkpoints.EveryEpochs}");
        var options = report.Training;
        int epoch = report.Epochs.Count, every = checkpoints.EveryEpochs;
        int end = Math.Min(options.Epochs, untilEpoch ?? options.Epochs);
        while (epoch < end)
        {
            int next = Math.Min(end, every > 0 ? (epoch / every + 1) * every : options.Epochs);
            SetTrainer.Train(engine, data, options, report, observer, epoch, next);
            var clock = Stopwatch.StartNew();
            long bytes = TrainingCheckpoint.Capture(engine, report, identity, scaling).Save(checkpoints.Path);
            observer?.OnCheckpoint(checkpoints.Path, next, bytes, clock.Elapsed.TotalSeconds);
            epoch = next;
        }
        return report;
    }
}
