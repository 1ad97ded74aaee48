using System.Diagnostics;
using System.Text.Json;
using SetGpu.GpuBundle.Reporting;

namespace SetGpu.GpuBundle.Sections;

/// <summary>
/// The machine: the host's processor, cores and memory; nvidia-smi (the GPU, its driver and CUDA version); the devices
/// ILGPU finds and each CUDA device's facts from the driver; the machine's own ptxas. Decides the device rows' engine:
/// cuda where ILGPU finds a CUDA device, else the fallback (--engine-fallback), else cuda, whose rows then fail.
/// </summary>
internal static class MachineSection
{
    public static void Run(RunContext run, SectionResult section)
    {
        var facts = new MarkdownTable("", "what", "found");
        run.Report.Host = HostDescription();
        facts.Add("host", run.Report.Host);

        var (smiOk, smi) = RunProgram("nvidia-smi", "--query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.memory,power.limit",
                                   "--format=csv,noheader");
        var (_, smiHeader) = RunProgram("nvidia-smi");
        string cudaVersion = smiHeader.Split('\n').Select(l => l.IndexOf("CUDA Version:", StringComparison.Ordinal) is var at and >= 0
            ? l[(at + 13)..].Trim(' ', '|') : null).FirstOrDefault(v => v is not null) ?? "–";
        facts.Add("nvidia-smi", smiOk ? $"{smi.Trim()} (name, driver, memory, max SM and memory clocks, power limit); CUDA {cudaVersion}" : smi.Trim());
        section.Details["nvidiaSmi"] = smiOk ? smi.Trim() : null;
        section.Details["cudaVersion"] = cudaVersion;

        string path = run.ResultPath("inventory.json");
        var outcome = run.Child("ILGPU's devices", 30, ["inventory", "--result", path]);
        var inventory = BundleJson.Read<InventoryResult>(path);
        if (inventory is not null)
        {
            section.Details["ilgpu"] = JsonSerializer.SerializeToNode(inventory, BundleJson.Options);
            facts.Add("ILGPU", inventory.Ilgpu);
            foreach (var d in inventory.Cuda)
                facts.Add($"cuda:{d.Index}", $"{d.Name}, {d.Architecture}, PTX {d.InstructionSet}, driver API {d.DriverVersion}, " +
                          $"{d.MemoryBytes / (double)(1L << 30):F0} GiB, {d.Multiprocessors} multiprocessors, L2 {d.L2CacheBytes >> 20} MiB, " +
                          $"memory {d.MemoryClockMHz} MHz × {d.BusWidthBits} bits: nominal {d.NominalBytesPerSecond / 1e12:F2} TB/s");
            if (inventory.CudaError is { } error) section.Notes.Add($"CUDA: {error}");
        }
        else section.Notes.Add($"ILGPU's inventory failed: {outcome.Why}");

        run.Ptxas = FindPtxas();
        facts.Add("ptxas", run.Ptxas is null ? "none on the PATH or in /usr/local/cuda/bin" : $"{run.Ptxas}: {RunProgram(run.Ptxas, "--version").Output.Split('\n').FirstOrDefault(l => l.StartsWith("Cuda compilation", StringComparison.Ordinal))}");
        section.Tables.Add(facts);

        bool hasCuda = inventory?.Cuda.Count > 0;
        run.DeviceEngine = hasCuda || run.Fallback is null ? "cuda" : run.Fallback;
        run.Report.DeviceEngine = run.DeviceEngine;
        run.Report.GpuResult = hasCuda;
        run.Report.Device = hasCuda ? $"{inventory!.Cuda[0].Name}, {inventory.Cuda[0].MemoryBytes / (double)(1L << 30):F0} GiB"
            : run.DeviceEngine == "ilgpu-cpu" ? $"ILGPU's CPU accelerator on {run.Report.Host}" : inventory?.Ilgpu ?? "no device found";

        if (hasCuda)
        {
            section.Status = SectionStatus.Passed;
            section.Summary = $"{run.Report.Device}; CUDA {cudaVersion}; ptxas {(run.Ptxas is null ? "absent" : "found")}";
        }
        else if (run.Fallback is not null)
        {
            section.Status = SectionStatus.Passed;
            section.Summary = $"no CUDA device (nvidia-smi: {(smiOk ? "answered" : "absent")}): the device rows run on {run.Fallback}, not a GPU";
        }
        else section.Fail($"no CUDA device: {inventory?.Ilgpu ?? outcome.Why}; nvidia-smi {(smiOk ? "answered" : "absent")}");
    }

    static string HostDescription()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        double memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (double)(1L << 30);
        return $"{cpu}, {Environment.ProcessorCount} cores, {memory:F0} GiB";
    }

    /// <summary>ptxas on the PATH, else in CUDA's default folder.</summary>
    static string? FindPtxas() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Path.Combine(p, "ptxas")).Append("/usr/local/cuda/bin/ptxas").FirstOrDefault(File.Exists);

    /// <summary>Runs a program for at most 20 s; its output, or why there is none.</summary>
    public static (bool Ok, string Output) RunProgram(string program, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in arguments) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(20_000))
            {
                process.Kill(entireProcessTree: true);
                return (false, $"{program}: no answer in 20 s");
            }
            return process.ExitCode == 0 ? (true, output.Result) : (false, $"{program}: exit code {process.ExitCode}: {error.Result.Trim()}{output.Result.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (false, $"{program}: not found ({e.Message})");
        }
    }
}
