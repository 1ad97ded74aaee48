using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SetGpu.Bench;

/// <summary>
/// <c>wast-batch</c>: what WAST's evolution costs beside a batch's training, on a SET-DAE that learns. For each dataset
/// and each schedule (evolve after every N batches) it runs <c>setgpu select --method wast</c> (on the device given, the
/// hidden width given, WAST's other settings) in a child process with a report, and prints: the training per batch (forward,
/// backward, update), WAST's importance per batch, its evolution per step (drop, growth, CSR rebuild, incoming index; and
/// by stage where the CLI reports it) and amortised per batch, the ratio of WAST's work per batch to the training, and
/// the selected features' test accuracy at K = 50 and 100 (the classifier of <c>select</c>) with the test reconstruction
/// error. <c>--cli</c> may name another build of the CLI (an older one, for an A/B); a CLI without <c>--wast-every</c> runs N = 1 only.
/// </summary>
internal static class WastBatch
{
    public static void Run(string[] datasets, int hidden, int epochs, int[] every, string device, string dataDir, string cli, string outDir)
    {
        Directory.CreateDirectory(outDir);
        Console.WriteLine($"WAST per batch on device {device} ({Environment.ProcessorCount} threads), hidden {hidden}, {epochs} epochs, CLI {cli}; " +
                          "timings of this machine at this moment (rerun on a quiet machine for figures to quote)");
        Console.WriteLine();
        Console.WriteLine("| dataset | network | connections | every N | batches | steps | training ms/batch | importance ms/batch | evolution ms/step | " +
                          "drop + growth + rebuild + index ms/step | evolution ms/batch | WAST / training | scored per step | test reconstruction error | accuracy K=50 (%) | accuracy K=100 (%) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (string dataset in datasets)
            foreach (int n in every)
                Console.WriteLine(Row(dataset, hidden, epochs, n, device, dataDir, cli, outDir));
    }

    static string Row(string dataset, int hidden, int epochs, int every, string device, string dataDir, string cli, string outDir)
    {
        string name = $"{dataset}.{device}.every{every}";
        string report = Path.Combine(outDir, $"{name}.wast.json");
        List<string> args = [cli, "select", "--dataset", dataset, "--data-dir", dataDir, "--method", "wast", "--k-list", "50,100",
                             "--hidden", hidden.ToString(CultureInfo.InvariantCulture), "--epochs", epochs.ToString(CultureInfo.InvariantCulture),
                             "--random-draws", "1", "--device", device, "--report", report,
                             "--features", Path.Combine(outDir, $"{name}.wast.features.csv")];
        if (every != 1) args.AddRange(["--wast-every", every.ToString(CultureInfo.InvariantCulture)]);
        var process = Process.Start(new ProcessStartInfo("dotnet", args) { RedirectStandardOutput = true })!;
        string log = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        File.WriteAllText(Path.Combine(outDir, $"{name}.wast.log"), log);
        if (process.ExitCode != 0) throw new InvalidOperationException($"select on {dataset} (every {every}) failed (exit {process.ExitCode}); its output is in {outDir}");

        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var root = json.RootElement;
        var wast = root.GetProperty("wast");
        long batches = wast.GetProperty("batches").GetInt64(), steps = Math.Max(1, wast.GetProperty("steps").GetInt64());
        double train = wast.GetProperty("trainSeconds").GetDouble(), importance = wast.GetProperty("importanceSeconds").GetDouble();
        double evolution = wast.GetProperty("evolutionSeconds").GetDouble();
        double training = train - importance - evolution;
        // Stages per step, where this CLI reports them (older builds do not).
        string stages = wast.TryGetProperty("dropSeconds", out var drop)
            ? string.Create(CultureInfo.InvariantCulture,
                $"{1000 * drop.GetDouble() / steps:F3} + {1000 * wast.GetProperty("growthSeconds").GetDouble() / steps:F3} + " +
                $"{1000 * wast.GetProperty("rebuildSeconds").GetDouble() / steps:F3} + {1000 * wast.GetProperty("indexSeconds").GetDouble() / steps:F3}")
            : "–";
        var sizes = root.GetProperty("autoencoder").GetProperty("layerSizes").EnumerateArray().Select(e => e.GetInt32());
        double Accuracy(int k) => root.GetProperty("rows").EnumerateArray().First(r => r.GetProperty("k").GetInt32() == k)
                                      .GetProperty("selected").GetProperty("accuracy").GetDouble();
        double error = root.GetProperty("reconstructionError").EnumerateArray().Last().GetDouble();
        return string.Create(CultureInfo.InvariantCulture,
            $"| {dataset} | {string.Join("-", sizes)} | {wast.GetProperty("connections").GetInt64()} | {every} | {batches} | {steps} | {1000 * training / batches:F3} | " +
            $"{1000 * importance / batches:F3} | {1000 * evolution / steps:F3} | {stages} | {1000 * evolution / batches:F3} | {(importance + evolution) / training:F2} | " +
            $"{wast.GetProperty("scored").GetInt64() / (double)steps:F0} | {error:F5} | {100 * Accuracy(50):F2} | {100 * Accuracy(100):F2} |");
    }
}
