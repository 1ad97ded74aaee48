using System.Text.Json;
using SetGpu.GpuBundle.Reporting;

namespace SetGpu.GpuBundle.Sections;

/// <summary>The device's copy bandwidth through ILGPU (<see cref="CopyBandwidth"/>): what the kernels' fractions are of.</summary>
internal static class BandwidthSection
{
    public static void Run(RunContext run, SectionResult section)
    {
        string path = run.ResultPath("bandwidth.json");
        var outcome = run.Child($"copy bandwidth on {run.DeviceEngine}", section.BudgetSeconds, ["bandwidth", "--engine", run.DeviceEngine, "--result", path]);
        var result = BundleJson.Read<BandwidthResult>(path);
        if (result is null)
        {
            section.Fail($"no measurement: {outcome.Why}");
            return;
        }
        run.DeviceBandwidth = result.MemcpyBytesPerSecond;
        run.HostBandwidth = result.HostBytesPerSecond;
        section.Details["bandwidth"] = JsonSerializer.SerializeToNode(result, BundleJson.Options);
        var table = new MarkdownTable($"{result.Engine}: {result.Device}; two buffers of {result.BufferBytes / (double)(1 << 20):N0} MiB; " +
                                      "bytes read plus written; the best of the timed rounds (median beside it).",
                                      "copy", "#GB/s", "#of the H200's 4.8 TB/s");
        table.Add("device to device (driver copy)", $"{Rate(result.MemcpyBytesPerSecond)} (median {Rate(result.MemcpyMedianBytesPerSecond)})",
                  $"{result.MemcpyBytesPerSecond / EpochPrediction.H200Bandwidth:P0}");
        table.Add("device to device (ILGPU kernel, a float per thread)", Rate(result.KernelBytesPerSecond),
                  $"{result.KernelBytesPerSecond / EpochPrediction.H200Bandwidth:P0}");
        table.Add("host, parallel copy (the CPU engine's)", Rate(result.HostBytesPerSecond), "–");
        section.Tables.Add(table);
        if (result.Engine != "cuda")
            section.Notes.Add("On ILGPU's CPU accelerator the copy kernel runs as .NET code in groups of two threads: its rate is no memory's.");
        section.Status = SectionStatus.Passed;
        section.Summary = $"{result.Engine}: copy {Rate(result.MemcpyBytesPerSecond)} GB/s, ILGPU copy kernel {Rate(result.KernelBytesPerSecond)} GB/s; " +
                          $"host {Rate(result.HostBytesPerSecond)} GB/s";
    }

    /// <summary>GB/s: whole numbers for a GPU's rates, a decimal below 100.</summary>
    static string Rate(double bytesPerSecond) => bytesPerSecond >= 100e9 ? $"{bytesPerSecond / 1e9:N0}" : $"{bytesPerSecond / 1e9:N1}";
}
