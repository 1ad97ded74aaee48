using System.Text.Json;
using SetGpu.GpuBundle.Reporting;

namespace SetGpu.GpuBundle.Sections;

/// <summary>
/// Every kernel family on the device at 30,000, 300,000 and 2,500,000 neurons per layer (<see cref="KernelRows"/>):
/// each call's time, the bytes the bandwidth model says it must move, the rate that makes and its fraction of the
/// device's measured copy bandwidth, beside the time the model gives on an H200.
/// </summary>
internal static class KernelSection
{
    public static readonly int[] Widths = [30_000, 300_000, 2_500_000];

    public static void Run(RunContext run, SectionResult section)
    {
        string path = run.ResultPath("kernels.json");
        var outcome = run.Child($"kernel families on {run.DeviceEngine} at {string.Join(", ", Widths.Select(w => w.ToString("N0")))}",
                                section.BudgetSeconds, ["kernels-at", "--engine", run.DeviceEngine, "--neurons", string.Join(',', Widths), "--result", path]);
        var result = BundleJson.Read<KernelRowsResult>(path);
        if (result is null)
        {
            section.Fail($"no kernel rows: {outcome.Why}");
            return;
        }
        section.Details["kernels"] = JsonSerializer.SerializeToNode(result, BundleJson.Options);
        double? bandwidth = run.DeviceBandwidth;
        var table = new MarkdownTable(
            $"{result.Engine}: {result.Device}; batch {result.Batch}, ε = 20, ζ = 0.3; median of 5–20 calls after a warm-up. " +
            $"Fraction: of the device's measured copy bandwidth ({(bandwidth is { } b ? $"{b / 1e9:F0} GB/s" : "not measured")}). " +
            $"H200 model: the bytes at {EpochPrediction.H200Bandwidth / 1e12:F1} TB/s.",
            "#neurons", "family", "variant", "#time (µs)", "#model bytes (MB)", "#rate (GB/s)", "#of copy bandwidth", "#H200 model (µs)",
            "#time / H200 model");
        foreach (var r in result.Rows)
        {
            double model = r.Bytes / EpochPrediction.H200Bandwidth;
            table.Add($"{r.Neurons:N0}", r.Family, r.Variant, $"{r.Seconds * 1e6:N1}", $"{r.Bytes / 1e6:N1}", $"{r.BytesPerSecond / 1e9:N1}",
                      bandwidth is { } bw ? $"{r.BytesPerSecond / bw:P0}" : "–", $"{model * 1e6:N1}", $"{r.Seconds / model:N1}×");
        }
        section.Tables.Add(table);
        section.Notes.AddRange(result.Notes);
        int widthsDone = result.Rows.Select(r => r.Neurons).Distinct().Count();
        string summary = $"{result.Rows.Count} rows at {widthsDone} of {Widths.Length} widths";
        if (outcome.TimedOut)
        {
            section.Status = SectionStatus.TimedOut;
            section.Summary = summary + "; stopped at its budget";
        }
        else if (!outcome.Succeeded || !result.Finished || result.Notes.Count > 0) section.Fail(summary + $"; {(outcome.Succeeded ? "a family failed" : outcome.Why)}");
        else
        {
            section.Status = SectionStatus.Passed;
            var largest = result.Rows.Where(r => r.Neurons == Widths[^1]).ToList();
            section.Summary = summary + (bandwidth is { } bw && largest.Count > 0
                ? $"; at {Widths[^1]:N0}: {largest.Min(r => r.BytesPerSecond / bw):P0}–{largest.Max(r => r.BytesPerSecond / bw):P0} of the copy bandwidth"
                : "");
        }
    }
}
