using SetGpu.Cli;

namespace SetGpu.KernelsTests.Cli;

/// <summary>The progress bar's arithmetic: time elapsed, time left in the epoch and in the run, and how it prints.</summary>
public class RunClockTests
{
    static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void First_epoch_extrapolates_its_batches_to_the_epoch_and_the_run()
    {
        var clock = new RunClock(lastEpoch: 5);
        var first = clock.Batch(S(1), epoch: 1, batch: 10, batches: 100);
        Assert.Equal(S(1), first.Elapsed);
        Assert.Null(first.EpochLeft); // one report gives no rate
        Assert.Null(first.RunLeft);

        var later = clock.Batch(S(6), epoch: 1, batch: 60, batches: 100); // 50 batches in 5 s: 0.1 s a batch
        Assert.Equal(S(6), later.Elapsed);
        Assert.Equal(4.0, later.EpochLeft!.Value.TotalSeconds, 9);
        Assert.Equal(4.0 + 4 * 10.0, later.RunLeft!.Value.TotalSeconds, 9); // 4 epochs more, projected at 100 × 0.1 s

        var end = clock.Batch(S(10), epoch: 1, batch: 100, batches: 100);
        Assert.Equal(TimeSpan.Zero, end.EpochLeft);
        Assert.Equal(4 * 10.0, end.RunLeft!.Value.TotalSeconds, 9);
    }

    [Fact]
    public void Later_epochs_count_at_the_mean_of_the_whole_epochs_measured()
    {
        var clock = new RunClock(lastEpoch: 4);
        clock.Batch(S(0.5), 1, 1, 100);
        clock.EpochEnded(S(12));
        clock.Batch(S(12.5), 2, 1, 100);
        clock.EpochEnded(S(26)); // a whole epoch (training, evaluation, evolution, checkpoint): 14 s
        clock.Batch(S(27), 3, 10, 100);
        var e = clock.Batch(S(31), 3, 50, 100); // 40 batches in 4 s: 0.1 s a batch, so 5 s left in this epoch
        Assert.Equal(5.0, e.EpochLeft!.Value.TotalSeconds, 9);
        Assert.Equal(5.0 + 14.0, e.RunLeft!.Value.TotalSeconds, 9); // one epoch after this one, at 14 s

        clock.EpochEnded(S(38)); // 12 s: the mean of whole epochs is now 13 s
        clock.Batch(S(39), 4, 1, 100);
        var last = clock.Batch(S(41), 4, 21, 100);
        Assert.Equal(7.9, last.EpochLeft!.Value.TotalSeconds, 9);
        Assert.Equal(7.9, last.RunLeft!.Value.TotalSeconds, 9); // the last epoch: the run ends with it
    }

    [Fact]
    public void A_resumed_epoch_is_timed_from_its_first_report_not_from_batch_zero()
    {
        var clock = new RunClock(lastEpoch: 2);
        clock.Batch(S(3), 2, 70, 100); // resumed at batch 69 after 3 s of loading and start-up
        var e = clock.Batch(S(4), 2, 80, 100);
        Assert.Equal(2.0, e.EpochLeft!.Value.TotalSeconds, 9);
        Assert.Equal(2.0, e.RunLeft!.Value.TotalSeconds, 9);
    }

    [Fact]
    public void The_last_batch_leaves_nothing_of_the_epoch()
    {
        var clock = new RunClock(lastEpoch: 1);
        var e = clock.Batch(S(2), 1, 1, 1);
        Assert.Equal(TimeSpan.Zero, e.EpochLeft);
        Assert.Equal(TimeSpan.Zero, e.RunLeft);
    }

    [Theory]
    [InlineData(0, false, "0:00")]
    [InlineData(59.9, false, "0:59")]
    [InlineData(59.1, true, "1:00")]
    [InlineData(61, false, "1:01")]
    [InlineData(3599, false, "59:59")]
    [InlineData(3723, false, "1:02:03")]
    [InlineData(36000 + 5, false, "10:00:05")]
    public void Times_print_as_minutes_and_seconds_then_hours(double seconds, bool roundUp, string expected) =>
        Assert.Equal(expected, RunClock.Format(S(seconds), roundUp));

    [Fact]
    public void The_bar_shows_batches_elapsed_and_both_estimates()
    {
        var line = RunClock.Line(3, 10, 60, 100, new RunClock.Estimate(S(75), S(4.2), S(125)));
        Assert.Equal("epoch 3/10 [##################............] 60/100 batches, 1:15 elapsed, left: epoch 0:05, run 2:05", line);
        Assert.EndsWith("left: epoch …, run …", RunClock.Line(1, 10, 1, 100, new RunClock.Estimate(S(1), null, null)));
    }
}
