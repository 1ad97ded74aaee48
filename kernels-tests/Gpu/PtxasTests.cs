using System.Text;
using System.Text.RegularExpressions;
using ILGPU.Runtime.Cuda;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Support;
using Xunit.Abstractions;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>
/// Every kernel's PTX, as ILGPU emits it for CUDA, assembled by NVIDIA's own ptxas for sm_70, sm_80 and sm_90 (Volta,
/// Ampere, Hopper): any error fails, and so does a kernel that spills registers to local memory. The registers, spills,
/// stack and shared memory of each are the table in <c>docs/bench/ptxas.md</c>; with the ptxas version that table was
/// made with, this test also checks the table still describes the kernels (<c>SETGPU_WRITE_DOCS=1</c> rewrites it).
/// ptxas comes from <c>.ci/ptxas</c>; without it the test skips, or fails where <c>SETGPU_REQUIRE</c> names ptxas (<see cref="Requirement.Ptxas"/>).
/// </summary>
[Trait(Lane.Category, Lane.Slow)]
public partial class PtxasTests(ITestOutputHelper output)
{
    static readonly (CudaArchitecture Architecture, string Name)[] Architectures =
        [(CudaArchitecture.SM_70, "sm_70"), (CudaArchitecture.SM_80, "sm_80"), (CudaArchitecture.SM_90, "sm_90")];

    /// <summary>What ptxas -v said of one kernel on one architecture.</summary>
    sealed record Row(string Kernel, string Architecture, int Registers, int SpillStores, int SpillLoads, int Stack, int Shared);

    [SkippableFact]
    public void Every_kernel_assembles_for_volta_ampere_and_hopper_without_spilling()
    {
        string ptxas = Requirement.Ptxas.Require();
        string version = Ptxas.Version(ptxas);
        // CUDA 13's ptxas no longer assembles for Volta: each architecture of the three that this ptxas lists is
        // assembled, and Hopper must be one of them.
        var known = Ptxas.KnownArchitectures(ptxas);
        var architectures = Architectures.Where(a => known.Count == 0 || known.Contains(a.Name)).ToArray();
        foreach (var (_, name) in Architectures.Except(architectures)) output.WriteLine($"{version} does not assemble {name}: left out");
        Assert.Contains(architectures, a => a.Name == "sm_90");

        var jobs = new List<(string Kernel, string Architecture, string Ptx)>();
        using (var context = IlgpuDevices.CreateContext())
            foreach (var kernel in KernelCatalog.All)
                foreach (var (architecture, name) in architectures)
                    jobs.Add((KernelCatalog.Name(kernel), name, KernelCatalog.Ptx(context, kernel, architecture)));
        var rows = new Row?[jobs.Count];
        var errors = new string?[jobs.Count];
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var (kernel, architecture, ptx) = jobs[i];
            var (exitCode, log) = Ptxas.Assemble(ptxas, ptx, architecture);
            if (exitCode != 0) errors[i] = $"{kernel} for {architecture}: ptxas exit {exitCode}\n{log}";
            else rows[i] = Parse(kernel, architecture, log);
        });

        Assert.True(errors.All(e => e is null), string.Join("\n", errors.Where(e => e is not null)));
        var table = rows.Select(r => r!).ToArray();
        Assert.Equal(KernelCatalog.All.Count * architectures.Length, table.Length);
        var spilling = table.Where(r => r.SpillStores + r.SpillLoads > 0).ToArray();
        Assert.True(spilling.Length == 0, "kernels spill registers: " + string.Join(", ", spilling.Select(r => $"{r.Kernel} on {r.Architecture} ({r.SpillStores} B stored)")));

        string markdown = Markdown(table, version, architectures);
        output.WriteLine(markdown);
        string doc = Path.Combine(RepositoryRoot(), "docs", "bench", "ptxas.md");
        if (Environment.GetEnvironmentVariable("SETGPU_WRITE_DOCS") == "1") File.WriteAllText(doc, markdown);
        else if (File.Exists(doc) && File.ReadAllText(doc).Contains(version, StringComparison.Ordinal))
            Assert.True(File.ReadAllText(doc) == markdown, $"{doc} no longer describes the kernels; rewrite it with SETGPU_WRITE_DOCS=1");
    }

    static Row Parse(string kernel, string architecture, string log)
    {
        int Number(Regex pattern) => pattern.Match(log) is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0;
        var registers = RegistersPattern().Match(log);
        Assert.True(registers.Success, $"{kernel} for {architecture}: no register count in ptxas's report:\n{log}");
        return new Row(kernel, architecture, int.Parse(registers.Groups[1].Value), Number(SpillStoresPattern()),
                       Number(SpillLoadsPattern()), Number(StackPattern()), Number(SharedPattern()));
    }

    static string Markdown(IReadOnlyList<Row> rows, string version, (CudaArchitecture Architecture, string Name)[] architectures)
    {
        var text = new StringBuilder();
        text.AppendLine("# Kernels through ptxas");
        text.AppendLine();
        text.AppendLine($"Every kernel's PTX (ILGPU 1.5.3, the view instantiation CUDA loads) assembled by `ptxas -v` ({version}).");
        text.AppendLine("Registers per thread, spill stores/loads and stack frame in bytes, static shared memory in bytes. Written by");
        text.AppendLine("`SETGPU_WRITE_DOCS=1 dotnet test kernels-tests -c Release --filter FullyQualifiedName~PtxasTests` (the test");
        text.AppendLine("fails when a kernel spills, or when this table no longer describes the kernels).");
        text.AppendLine();
        text.Append("| kernel |");
        foreach (var (_, name) in architectures) text.Append($" {name} registers | {name} spill | {name} stack | {name} shared |");
        text.AppendLine();
        text.Append("|---|");
        foreach (var _ in architectures) text.Append("---:|---:|---:|---:|");
        text.AppendLine();
        foreach (var kernel in rows.GroupBy(r => r.Kernel))
        {
            text.Append($"| `{kernel.Key}` |");
            foreach (var (_, name) in architectures)
            {
                var r = kernel.Single(x => x.Architecture == name);
                text.Append($" {r.Registers} | {r.SpillStores + r.SpillLoads} | {r.Stack} | {r.Shared} |");
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    [GeneratedRegex(@"Used (\d+) registers")] private static partial Regex RegistersPattern();
    [GeneratedRegex(@"(\d+) bytes spill stores")] private static partial Regex SpillStoresPattern();
    [GeneratedRegex(@"(\d+) bytes spill loads")] private static partial Regex SpillLoadsPattern();
    [GeneratedRegex(@"(\d+) bytes stack frame")] private static partial Regex StackPattern();
    [GeneratedRegex(@"(\d+) bytes smem")] private static partial Regex SharedPattern();
}

/// <summary>NVIDIA's PTX assembler, run as a child process.</summary>
internal static class Ptxas
{
    /// <summary>The version line, e.g. "Cuda compilation tools, release 11.8, V11.8.89".</summary>
    public static string Version(string ptxas) =>
        Run(ptxas, ["--version"]).Log.Split('\n').FirstOrDefault(l => l.StartsWith("Cuda compilation tools", StringComparison.Ordinal))?.Trim()
        ?? "unknown ptxas version";

    /// <summary>The real architectures (sm_NN) that <c>ptxas --help</c> lists for --gpu-name; empty where it lists none.</summary>
    public static IReadOnlySet<string> KnownArchitectures(string ptxas) =>
        Regex.Matches(Run(ptxas, ["--help"]).Log, @"'(sm_\d+[a-z]?)'").Select(m => m.Groups[1].Value).ToHashSet();

    /// <summary>Assembles <paramref name="ptx"/> for <paramref name="architecture"/> with -v; returns the exit code and what it printed.</summary>
    public static (int ExitCode, string Log) Assemble(string ptxas, string ptx, string architecture)
    {
        string file = Path.Combine(Path.GetTempPath(), $"setgpu-{Guid.NewGuid():N}.ptx");
        File.WriteAllText(file, ptx);
        try { return Run(ptxas, [$"-arch={architecture}", "-v", "-o", "/dev/null", file]); }
        finally { File.Delete(file); }
    }

    static (int ExitCode, string Log) Run(string ptxas, string[] arguments) => Programs.Run(ptxas, arguments);
}
