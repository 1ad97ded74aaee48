using System.Diagnostics;
using System.Text.Json;
using SetGpu.Bench;
using SetGpu.GpuBundle.Reporting;

namespace SetGpu.GpuBundle.Sections;

/// <summary>
/// Issue 6's scaling rows (<c>samples/SetGpu.Bench</c>'s <c>row</c>, each in a child process): the 3312-H-H-H-5
/// network on the reference's lung-shaped data with its settings at batch 2, on the device and on the CPU engine of
/// the same machine, beside the bandwidth model's time on an H200, the launch floor and the test accuracy reached.
/// </summary>
internal static class ScalingSection
{
    public static readonly int[] Widths = [3_000, 30_000, 100_000, 300_000, 600_000];
    /// <summary>The one row of --quick.</summary>
    public const int QuickWidth = 30_000;
    /// <summary>10 million neurons: three hidden layers of 3,333,333.</summary>
    public const int TenMillion = 3_333_333;
    public const int Batch = 2;

    /// <summary>Issue 6's targets for training plus evolution per epoch, in seconds.</summary>
    static readonly Dictionary<int, double> Targets = new()
    {
        [3_000] = 0.1, [30_000] = 1, [100_000] = 3, [300_000] = 10, [600_000] = 20, [TenMillion] = 600,
    };

    /// <summary>One engine's rows: its engine, epochs per row and its share of the section's budget.</summary>
    public sealed record Part(string Engine, int Epochs, double BudgetSeconds);

    public static void Run(RunContext run, SectionResult section, int[] widths, IReadOnlyList<Part> parts)
    {
        var rows = new List<RowResult>();
        bool failed = false, timedOut = false;
        foreach (var part in parts)
        {
            var deadline = Stopwatch.StartNew();
            double budget = part.BudgetSeconds * run.BudgetFactor;
            foreach (int neurons in widths)
            {
                double left = budget - deadline.Elapsed.TotalSeconds;
                if (left < 1)
                {
                    section.Notes.Add($"{part.Engine} at {neurons:N0}: not run, the budget of its rows ({budget:F0} s) was spent");
                    timedOut = true;
                    continue;
                }
                string path = run.ResultPath($"row-{part.Engine}-{neurons}.json");
                var outcome = run.Child($"{part.Engine}, {neurons:N0} per layer, {part.Epochs} epoch(s)", left,
                    ["row", "--engine", part.Engine, "--neurons", $"{neurons}", "--batch", $"{Batch}", "--epochs", $"{part.Epochs}",
                     "--data-scale", "1", "--result", path]);
                if (BundleJson.Read<RowResult>(path) is { } row && outcome.Succeeded)
                {
                    rows.Add(row);
                    if (!row.Learned)
                        section.Notes.Add($"{part.Engine} at {neurons:N0}: the network stayed at the majority class after {part.Epochs} epoch(s) " +
                                          $"(test accuracy {row.TestAccuracy:P2}, majority {row.MajorityRate:P2}); its time is of a network that did not learn");
                }
                else
                {
                    section.Notes.Add($"{part.Engine} at {neurons:N0}: {outcome.Why}");
                    if (outcome.TimedOut) timedOut = true;
                    else failed = true;
                }
            }
        }
        section.Details["rows"] = JsonSerializer.SerializeToNode(rows, BundleJson.Options);
        if (rows.Count > 0) section.Tables.Add(Table(rows));
        string done = $"{rows.Count} of {widths.Length * parts.Count} rows";
        if (failed) section.Fail(done + "; see the notes");
        else if (timedOut)
        {
            section.Status = SectionStatus.TimedOut;
            section.Summary = done + "; the rest ran out of budget";
        }
        else
        {
            section.Status = SectionStatus.Passed;
            section.Summary = done + ": " + string.Join("; ", widths.Select(n => $"{n:N0}: " + string.Join(", ",
                rows.Where(r => r.Neurons == n).Select(r => $"{r.Engine} {r.EpochSeconds:G3} s"))));
        }
    }

    static MarkdownTable Table(List<RowResult> rows)
    {
        var table = new MarkdownTable(
            "Per epoch, the median of the epochs after the first where several ran. train + evolution is issue 6's measure, " +
            $"with its target. H200 model: the bandwidth model's train + evolution at {EpochPrediction.H200Bandwidth / 1e12:F1} TB/s; " +
            $"launch floor: the training step's kernel launches at {EpochPrediction.SecondsPerLaunch * 1e6:F0} µs each.",
            "#neurons per layer", "engine", "#connections", "#create (s)", "#train (s/epoch)", "#evolution (s/epoch)", "#test (s)",
            "#train + evolution (s)", "#target (s)", "#H200 model (s)", "#launch floor (s)", "#peak memory (GB)",
            "#test accuracy (majority)", "device");
        foreach (var r in rows)
        {
            bool device = r.Engine != "cpu";
            var model = EpochPrediction.For(ScalingRow.ReferenceSettings(r.Neurons, r.Batch, 1), r.TrainSamples);
            double h200 = model.TrainSeconds(EpochPrediction.H200Bandwidth) + model.EvolutionSeconds(EpochPrediction.H200Bandwidth);
            string target = Targets.TryGetValue(r.Neurons, out double t) ? $"≤ {t:G} {(r.EpochSeconds <= t ? "✓" : "✗")}" : "–";
            table.Add($"{r.Neurons:N0}", r.Engine, $"{r.Connections:N0}", $"{r.CreateSeconds:F2}", $"{r.TrainSeconds:F3}", $"{r.EvolutionSeconds:F3}",
                      $"{r.TestSeconds:F3}", $"{r.EpochSeconds:F3}", target, device ? $"{h200:G3}" : "–", device ? $"{model.LaunchFloorSeconds:G3}" : "–",
                      $"{Math.Max(r.PeakTrainingBytes, r.PeakEvolutionBytes) / 1e9:F2}",
                      $"{r.TestAccuracy:P1} ({r.MajorityRate:P1}){(r.Learned ? "" : ", did not learn")}", r.Device);
        }
        return table;
    }
}
