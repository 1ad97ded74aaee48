using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SetGpu.Gpu;

namespace SetGpu.Bench;

/// <summary>
/// Issue 6's tables: rows of <see cref="ScalingRow"/> (each in a fresh child process, so that its peak memory is its
/// own) for several layer widths or batch sizes and engines, printed and written as JSON and markdown.
/// </summary>
internal static class ScalingTable
{
    /// <summary>The seed's numbers for the same rows: the reference Python here (train + evolution per epoch) and the
    /// paper's laptop (whole epoch), from issue 6.</summary>
    static readonly Dictionary<int, (string ReferenceHere, string SeedLaptop, double TargetSeconds)> Seed = new()
    {
        [3_000] = ("1.0 s + 3.7 s", "0.3 min", 0.1),
        [30_000] = ("7.8 s + 56 s", "3 min", 1),
        [100_000] = ("32 s + 231 s", "–", 3),
        [300_000] = ("169 s + over 10 min", "49 min", 10),
        [600_000] = ("–", "112 min", 20),
        [3_333_333] = ("–", "–", 600),
    };

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void Run(IReadOnlyList<int> neurons, IReadOnlyList<int> batches, IReadOnlyList<string> engines,
                           int epochs, int dataScale, int ilgpuLimit, string outDir, string name, bool allowUntrained)
    {
        Directory.CreateDirectory(outDir);
        var available = AvailableEngines();
        var rows = new List<RowResult>();
        var notes = new List<string>();
        foreach (int n in neurons)
            foreach (int batch in batches)
                foreach (var engine in engines)
                {
                    if (!available.Contains(engine)) { notes.Add($"{engine}: no such device on this machine"); continue; }
                    if (engine != "cpu" && n > ilgpuLimit) { notes.Add($"{engine} at {n:N0} neurons: skipped (over --ilgpu-limit {ilgpuLimit:N0})"); continue; }
                    var (row, failure) = RunChild(engine, n, batch, epochs, dataScale, outDir);
                    if (row is null) { notes.Add($"{engine} at {n:N0} neurons, batch {batch}: failed: {failure} (its output is above)"); continue; }
                    Console.WriteLine(Line(row));
                    // A network that did not learn proves little about speed: dead units and zero inputs are what the
                    // scatter forward skips, so its timings can flatter the engine.
                    if (!row.Learned && !allowUntrained)
                    {
                        notes.Add($"{engine} at {n:N0} neurons, batch {batch}: refused, the network stayed at the majority class " +
                                  $"(test accuracy {row.TestAccuracy:P2}, majority {row.MajorityRate:P2}); --allow-untrained keeps such rows");
                        Console.WriteLine($"  {notes[^1]}");
                        continue;
                    }
                    rows.Add(row);
                }
        var machine = MachineDescription();
        File.WriteAllText(Path.Combine(outDir, name + ".json"), JsonSerializer.Serialize(new { machine, rows, notes }, Json));
        var markdown = Markdown(rows, notes, machine);
        File.WriteAllText(Path.Combine(outDir, name + ".md"), markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"written: {Path.Combine(outDir, name + ".json")}, {Path.Combine(outDir, name + ".md")}");
    }

    /// <summary>Runs one row in a child process of this program and reads its JSON result, or says why there is none.</summary>
    static (RowResult? Row, string? Failure) RunChild(string engine, int neurons, int batch, int epochs, int dataScale, string outDir)
    {
        string result = Path.Combine(outDir, $"row-{engine}-{neurons}-b{batch}.json");
        var start = new ProcessStartInfo(Environment.ProcessPath!);
        // Started as `dotnet SetGpu.Bench.dll …`, this process is the dotnet host: the child needs the assembly first.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            start.ArgumentList.Add(typeof(ScalingTable).Assembly.Location);
        foreach (string argument in new[] { "row", "--engine", engine, "--neurons", $"{neurons}", "--batch", $"{batch}",
                                            "--epochs", $"{epochs}", "--data-scale", $"{dataScale}", "--result", result })
            start.ArgumentList.Add(argument);
        if (ScalingRow.MaxMemory is { } maxMemory)
        {
            start.ArgumentList.Add("--max-memory");
            start.ArgumentList.Add($"{maxMemory}");
        }
        using var child = Process.Start(start)!;
        child.WaitForExit();
        if (child.ExitCode != 0) return (null, ChildExit.Describe(child.ExitCode));
        if (!File.Exists(result)) return (null, $"exit code 0 but no result file {result}");
        return (JsonSerializer.Deserialize<RowResult>(File.ReadAllText(result), Json), null);
    }

    /// <summary>Entry point of the child: measures one row and writes it to <paramref name="resultPath"/>.</summary>
    public static void RunRow(string engine, int neurons, int batch, int epochs, int dataScale, string resultPath)
    {
        var row = ScalingRow.Measure(engine, neurons, batch, epochs, dataScale);
        File.WriteAllText(resultPath, JsonSerializer.Serialize(row, Json));
    }

    static HashSet<string> AvailableEngines()
    {
        var engines = new HashSet<string> { "cpu", "ilgpu-cpu" };
        using var context = IlgpuDevices.CreateContext();
        if (IlgpuDevices.HasCuda(context)) engines.Add("cuda");
        if (IlgpuDevices.OpenClDevices(context).Any()) engines.Add("opencl");
        return engines;
    }

    static string Line(RowResult r) =>
        $"{r.Neurons,9:N0} neurons  batch {r.Batch,3}  {r.Engine,-9} {r.Connections,13:N0} connections  create {r.CreateSeconds,6:F2} s  " +
        $"train {r.TrainSeconds,7:F3} s  evolution {r.EvolutionSeconds,7:F3} s  test {r.TestSeconds,6:F3} s  " +
        $"{r.TrainingBytesPerConnection,5:F1} B/conn training, {r.EvolutionPeakBytesPerConnection,5:F1} evolution peak, {r.PeakBytesPerConnection,5:F1} at the peak " +
        $"(estimated {r.EstimatedTrainingBytes / (double)r.Connections:F1} and {r.EstimatedPeakBytes / (double)r.Connections:F1}; peaks GB: creation {(r.PeakCreationBytes - r.BaselineBytes) / 1e9:F2}, " +
        $"training {(r.PeakTrainingBytes - r.BaselineBytes) / 1e9:F2}, evaluation {(r.PeakEvaluationBytes - r.BaselineBytes) / 1e9:F2}, evolution {(r.PeakEvolutionBytes - r.BaselineBytes) / 1e9:F2})  " +
        $"test accuracy {r.TestAccuracy:P2} (majority {r.MajorityRate:P2}{(r.Learned ? "" : ", did not learn")})";

    static string Markdown(List<RowResult> rows, List<string> notes, string machine)
    {
        var md = new StringBuilder();
        md.AppendLine($"Machine: {machine}. The reference's lung-shaped data (lung-reference-style: class means N(0,1) per feature plus " +
                      "3·N(0,1) noise, 3312 features, 5 classes), 3312-H-H-H-5, ReLU, sigmoid output, the reference's MSE δ, N(0,1)/10 " +
                      "initial weights, ε = 20, ζ = 0.3, lr 0.01, momentum 0.9, weight decay 0.0002. Times per epoch are medians after a " +
                      "warm-up epoch; memory is the process's resident set less what it held before the network existed; test accuracy " +
                      "is after the last epoch, beside the majority-class rate (a row that stayed there is refused unless --allow-untrained).");
        md.AppendLine();
        md.AppendLine("| neurons per hidden layer | engine | batch | training samples | connections | create (s) | train (s/epoch) | evolution (s/epoch) | test (s) | " +
                      "train + evolution (s) | target (s) | reference Python here | seed laptop | peak process memory | bytes/conn training | bytes/conn evolution peak | bytes/conn peak | " +
                      "test accuracy (majority) |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var seed = Seed.TryGetValue(r.Neurons, out var s) ? s : (ReferenceHere: "–", SeedLaptop: "–", TargetSeconds: double.NaN);
            string target = double.IsNaN(seed.TargetSeconds) || r.Batch != 2 || r.DataScale != 1 ? "–"
                : $"≤ {seed.TargetSeconds:G} {(r.EpochSeconds <= seed.TargetSeconds ? "✓" : "✗")}";
            long peak = r.PeakBytes;
            md.AppendLine($"| {r.Neurons:N0} | {r.Engine} | {r.Batch} | {r.TrainSamples:N0} | {r.Connections:N0} | {r.CreateSeconds:F2} | {r.TrainSeconds:F3} | " +
                          $"{r.EvolutionSeconds:F3} | {r.TestSeconds:F3} | {r.EpochSeconds:F3} | {target} | {seed.ReferenceHere} | {seed.SeedLaptop} | " +
                          $"{peak / 1e9:F2} GB | {r.TrainingBytesPerConnection:F1} | {r.EvolutionPeakBytesPerConnection:F1} | {r.PeakBytesPerConnection:F1} | " +
                          $"{r.TestAccuracy:P2} ({r.MajorityRate:P2}) |");
        }
        foreach (var note in notes) md.AppendLine($"\n{note}");
        return md.ToString();
    }

    static string MachineDescription()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        double memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (double)(1L << 30);
        return $"{cpu}, {Environment.ProcessorCount} cores, {memory:F0} GiB, host copy bandwidth {BandwidthModel.MeasureHostBandwidth() / 1e9:F0} GB/s";
    }
}
