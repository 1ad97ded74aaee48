using System.Diagnostics;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>
/// The console's view of a run: a progress bar on stderr during each epoch (when it is a terminal) with the time elapsed
/// and estimates of the time left (<see cref="RunClock"/>), one table row per epoch, a line per checkpoint, and the JSON
/// report rewritten after every epoch so a long run's records survive.
/// Every report arrives on the training thread, in order.
/// </summary>
internal sealed class EpochTable(IReadOnlyList<EpochTable.Column> columns, TrainingReport report, string? reportPath)
    : IProgress<EpochRecord>, IProgress<BatchProgress>, IProgress<CheckpointSaved>
{
    /// <summary>A column: header, width, and the cell of a record.</summary>
    public sealed record Column(string Header, int Width, Func<EpochRecord, string> Cell);

    readonly bool _interactive = !Console.IsErrorRedirected;
    readonly Stopwatch _run = new();
    RunClock? _clock;
    DateTime _lastDraw;
    int _drawn;
    bool _warned;

    /// <summary>Extra lines under a row (the RBM's AIS estimates).</summary>
    public Func<EpochRecord, IEnumerable<string>>? Notes { get; init; }

    /// <summary>The last epoch (1-based) this invocation trains, for the run's estimate of time left.</summary>
    public int LastEpoch { get; set; } = report.Spec.Epochs;

    /// <summary>Prints the header and starts the run's clock: call it just before training.</summary>
    public void PrintHeader()
    {
        Console.WriteLine(string.Join("  ", columns.Select(c => c.Header.PadLeft(c.Width))));
        _run.Restart();
        _clock = new RunClock(LastEpoch);
    }

    public void Report(BatchProgress p)
    {
        if (!_interactive || _clock is not { } clock) return;
        var estimate = clock.Batch(_run.Elapsed, p.Epoch, p.Batch, p.Batches);
        var now = DateTime.UtcNow;
        if (p.Batch != p.Batches && (now - _lastDraw).TotalMilliseconds < 100) return;
        _lastDraw = now;
        string line = RunClock.Line(p.Epoch, report.Spec.Epochs, p.Batch, p.Batches, estimate);
        Console.Error.Write("\r" + line.PadRight(_drawn));
        _drawn = line.Length;
    }

    public void Report(EpochRecord r)
    {
        _clock?.EpochEnded(_run.Elapsed);
        if (_interactive && _drawn > 0) Console.Error.Write("\r" + new string(' ', _drawn) + "\r");
        _drawn = 0;
        Console.WriteLine(string.Join("  ", columns.Select(c => c.Cell(r).PadLeft(c.Width))));
        foreach (var note in Notes?.Invoke(r) ?? []) Console.WriteLine("       " + note);
        if (r.Health is { Findings.Length: > 0 } && !_warned)
        {
            // Once a run: the table's health column goes on saying it every epoch.
            Console.Error.WriteLine(LearningHealth.Warning(r));
            _warned = true;
        }
        if (reportPath is not null) report.Save(reportPath);
    }

    public void Report(CheckpointSaved saved) =>
        Console.WriteLine($"       checkpoint after epoch {saved.Epochs}: {saved.Path} ({saved.Bytes / 1e6:F1} MB in {saved.Seconds:F2} s)");

    /// <summary>The columns every model's table starts and ends with, around its own.</summary>
    public static List<Column> Around(IEnumerable<Column> middle, int connectionsWidth) =>
    [
        new("epoch", 5, r => $"{r.Epoch + 1}"),
        .. middle,
        new("train s", 8, r => $"{r.TrainSeconds:F3}"),
        new("evolve s", 8, r => $"{r.EvolutionSeconds:F3}"),
        new("nnz", connectionsWidth, r => $"{r.Connections:N0}"),
    ];
}
