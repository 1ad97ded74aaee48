using System.Text.Json;
using SetGpu.GpuBundle.Reporting;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.GpuBundle.Sections;

/// <summary>
/// Whole trainings on real data through the command line (<c>train --report</c>), on the device and on the CPU engine:
/// the COIL20 reference run (docs/results.md) and MNIST 784-1000-1000-1000-10 at batch 128. The device's accuracy must
/// be within a point of the CPU engine's (as in the engine parity tests), and the CPU engine's COIL20 run must reach
/// the 98% that <c>Coil20TargetTests</c> holds it to.
/// </summary>
internal static class TrainingSection
{
    /// <summary>COIL20 with the reference settings, seed 1 (98.75% on the CPU engine).</summary>
    public static readonly string[] Coil20 =
    [
        "--dataset", "coil20", "--hidden", "1000,1000,1000", "--output", "sigmoid", "--loss", "mse-reference", "--epsilon", "20",
        "--zeta", "0.3", "--epochs", "15", "--batch", "2", "--lr", "0.01", "--momentum", "0.9", "--weight-decay", "0.0002",
        "--init", "normal", "--regrow", "init", "--standardize", "per-feature", "--seed", "1",
    ];

    /// <summary>MNIST's model from docs/results.md at batch 128, three epochs with a constant rate.</summary>
    public static readonly string[] Mnist =
    [
        "--dataset", "mnist", "--hidden", "1000,1000,1000", "--epochs", "3", "--batch", "128", "--lr", "0.05", "--init", "normal",
        "--regrow", "init", "--weight-decay", "0.00005", "--seed", "1",
    ];

    public sealed record Part(string Engine, double BudgetSeconds);

    public static void Run(RunContext run, SectionResult section, string name, string[] arguments, IReadOnlyList<Part> parts, double? cpuTarget)
    {
        var reports = new Dictionary<string, TrainingReport>();
        bool failed = false, timedOut = false;
        foreach (var part in parts)
        {
            string path = run.ResultPath($"{section.Id}-{part.Engine}.json");
            var outcome = run.Child($"{name} on {part.Engine}", part.BudgetSeconds * run.BudgetFactor,
                                    ["cli", "train", .. arguments, "--data-dir", run.DataDir, "--engine", part.Engine, "--report", path]);
            TrainingReport? report = null;
            try { if (File.Exists(path)) report = TrainingReport.Load(path); }
            catch (InvalidDataException e) { section.Notes.Add($"{part.Engine}: {e.Message}"); }
            if (report is not null) reports[part.Engine] = report;
            if (outcome.Succeeded && report?.IsComplete == true) continue;
            section.Notes.Add($"{part.Engine}: {outcome.Why}{(report is null ? "" : $" after {report.Epochs.Count} of {report.Spec.Epochs} epochs")}");
            if (outcome.TimedOut) timedOut = true;
            else failed = true;
        }
        section.Details["runs"] = JsonSerializer.SerializeToNode(reports.ToDictionary(r => r.Key, r => Facts(r.Value)), BundleJson.Options);
        if (reports.Count > 0) section.Tables.Add(Table(reports));

        double? cpuAccuracy = reports.TryGetValue("cpu", out var cpu) ? cpu.Epochs.LastOrDefault()?.Test?.Accuracy : null;
        if (cpuTarget is { } target && cpuAccuracy < target && cpu!.IsComplete)
        {
            section.Notes.Add($"cpu: {cpuAccuracy:P2}, below the {target:P0} the CPU engine reaches in this run");
            failed = true;
        }
        foreach (var (engine, report) in reports.Where(r => r.Key != "cpu" && r.Value.IsComplete && cpu?.IsComplete == true))
            if (Math.Abs((report.Epochs[^1].Test?.Accuracy ?? 0) - (cpuAccuracy ?? 0)) > 0.01)
            {
                section.Notes.Add($"{engine}: test accuracy {report.Epochs[^1].Test?.Accuracy:P2}, more than a point from the CPU engine's {cpuAccuracy:P2}");
                failed = true;
            }

        string summary = string.Join("; ", reports.Select(r => $"{r.Key}: {r.Value.Epochs.LastOrDefault()?.Test?.Accuracy:P2} after {r.Value.Epochs.Count} epochs, " +
                                                               $"{TrainSeconds(r.Value):G3} s/epoch training"));
        if (failed) section.Fail(summary == "" ? "no run finished" : summary);
        else if (timedOut)
        {
            section.Status = SectionStatus.TimedOut;
            section.Summary = summary;
        }
        else
        {
            section.Status = SectionStatus.Passed;
            section.Summary = summary;
        }
    }

    /// <summary>Median training seconds per epoch, after the first epoch where there are several.</summary>
    static double TrainSeconds(TrainingReport r) => Median(r.Epochs.Select(e => e.TrainSeconds));

    static double Median(IEnumerable<double> perEpoch)
    {
        var values = perEpoch.ToList();
        return values.Count == 0 ? double.NaN : SetGpu.Bench.Statistics.Median(values.Count > 1 ? values.Skip(1) : values);
    }

    static object Facts(TrainingReport r) => new
    {
        r.Engine, r.Device, r.Dataset, r.TrainSamples, r.TestSamples, r.InitialConnections, r.CreationSeconds, epochs = r.Epochs.Count,
        trainSeconds = TrainSeconds(r), evolutionSeconds = Median(r.Epochs.Select(e => e.EvolutionSeconds)),
        evaluationSeconds = Median(r.Epochs.Select(e => e.EvaluationSeconds)), testAccuracy = r.Epochs.LastOrDefault()?.Test?.Accuracy,
        perEpoch = r.Epochs.Select(e => new { e.Epoch, e.TrainSeconds, e.EvolutionSeconds, e.EvaluationSeconds, testAccuracy = e.Test?.Accuracy }),
    };

    static MarkdownTable Table(Dictionary<string, TrainingReport> reports)
    {
        var table = new MarkdownTable(
            "Per epoch, the median of the epochs after the first. H200 model: the bandwidth model's training time per epoch at " +
            $"{EpochPrediction.H200Bandwidth / 1e12:F1} TB/s; launch floor: its kernel launches at {EpochPrediction.SecondsPerLaunch * 1e6:F0} µs each.",
            "engine", "#epochs", "#connections", "#train (s/epoch)", "#evolution (s)", "#evaluation (s)", "#test accuracy", "#H200 model (s)",
            "#launch floor (s)", "device");
        foreach (var (engine, r) in reports)
        {
            var model = r.Spec is SetMlpSpec spec ? EpochPrediction.For(spec, r.TrainSamples) : null;
            bool device = engine != "cpu" && model is not null;
            table.Add(engine, $"{r.Epochs.Count}", $"{r.InitialConnections:N0}", $"{TrainSeconds(r):G3}", $"{Median(r.Epochs.Select(e => e.EvolutionSeconds)):G3}",
                      $"{Median(r.Epochs.Select(e => e.EvaluationSeconds)):G3}", $"{r.Epochs.LastOrDefault()?.Test?.Accuracy:P2}",
                      device ? $"{model!.TrainSeconds(EpochPrediction.H200Bandwidth):G3}" : "–", device ? $"{model!.LaunchFloorSeconds:G3}" : "–", r.Device);
        }
        return table;
    }
}
