namespace SetGpu.Cli;

/// <summary>
/// The elapsed time and the estimates of time left that the progress bar shows. The epoch's estimate extrapolates the
/// batches of this epoch timed so far (from its first report on, so that a resumed epoch or the engine's start-up does
/// not count); the run's adds the epochs still to come at the mean duration of the whole epochs measured between two
/// epoch ends (training, evaluation, evolution and checkpoint), or, before two epochs have ended, at this epoch's
/// projected training time. Times are given, not read, so that tests drive it.
/// </summary>
/// <param name="lastEpoch">The last epoch (1-based) this invocation trains: the run's, or fewer with --stop-after.</param>
internal sealed class RunClock(int lastEpoch)
{
    int _epoch = -1, _firstBatch;
    TimeSpan _epochFirstReport;
    TimeSpan? _lastEpochEnd;
    TimeSpan _measured;
    int _measuredEpochs;

    /// <summary>Time since the run started, and the time left in the epoch and in the run (null: not known yet).</summary>
    public readonly record struct Estimate(TimeSpan Elapsed, TimeSpan? EpochLeft, TimeSpan? RunLeft);

    /// <param name="now">Time since the run started.</param>
    /// <param name="epoch">The epoch, 1-based.</param>
    /// <param name="batch">Batches of the epoch done.</param>
    /// <param name="batches">Batches in an epoch.</param>
    public Estimate Batch(TimeSpan now, int epoch, int batch, int batches)
    {
        if (epoch != _epoch) (_epoch, _firstBatch, _epochFirstReport) = (epoch, batch, now);
        TimeSpan? perEpoch = _measuredEpochs > 0 ? _measured / _measuredEpochs : null;
        TimeSpan? perBatch = batch > _firstBatch ? (now - _epochFirstReport) / (batch - _firstBatch) : null;
        perEpoch ??= perBatch * batches;
        TimeSpan? epochLeft = batch >= batches ? TimeSpan.Zero : perBatch * (batches - batch);
        int after = Math.Max(0, lastEpoch - epoch);
        TimeSpan? runLeft = epochLeft is not { } left ? null
            : after == 0 ? left
            : perEpoch is { } each ? left + each * after : null;
        return new Estimate(now, epochLeft, runLeft);
    }

    /// <summary>An epoch ended (its record came) at <paramref name="now"/>.</summary>
    public void EpochEnded(TimeSpan now)
    {
        if (_lastEpochEnd is { } last)
        {
            _measured += now - last;
            _measuredEpochs++;
        }
        _lastEpochEnd = now;
    }

    /// <summary>
    /// m:ss under an hour, h:mm:ss from then on, in whole seconds: rounded down for time spent, up for time left (so that
    /// "0:00 left" means nothing is).
    /// </summary>
    public static string Format(TimeSpan time, bool roundUp = false)
    {
        double total = Math.Max(0, time.TotalSeconds);
        long seconds = (long)(roundUp ? Math.Ceiling(total) : Math.Floor(total));
        return seconds >= 3600 ? $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}" : $"{seconds / 60}:{seconds % 60:00}";
    }

    /// <summary>The progress bar's line: the epoch, its batches, the time elapsed and the estimates.</summary>
    public static string Line(int epoch, int epochs, int batch, int batches, Estimate estimate)
    {
        const int width = 30;
        int filled = (int)((long)batch * width / batches);
        string Left(TimeSpan? t) => t is { } known ? Format(known, roundUp: true) : "…";
        return $"epoch {epoch}/{epochs} [{new string('#', filled)}{new string('.', width - filled)}] {batch}/{batches} batches, " +
               $"{Format(estimate.Elapsed)} elapsed, left: epoch {Left(estimate.EpochLeft)}, run {Left(estimate.RunLeft)}";
    }
}
