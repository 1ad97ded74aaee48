using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SetGpu.Bench;

/// <summary>
/// <c>wast-batch</c>: what WAST's evolution after every batch costs beside the batch's training, on a SET-DAE that learns.
/// For each dataset it runs <c>setgpu select --method wast</c> (CPU engine, the hidden width given, WAST's settings) in a
/// child process with a report, and prints per batch: the training (forward, backward, update), WAST's importance, its
/// evolution (drop, growth, CSR rebuild, incoming index), the ratio of WAST's work to the training, and the selected
/// features' test accuracy at K = 50 and 100 (the classifier of <c>select</c>) with the test reconstruction error.
/// </summary>
internal static class WastBatch
{
    public static void Run(string[] datasets, int hidden, int epochs, string dataDir, string cli, string outDir)
    {
        Directory.CreateDirectory(outDir);
        Console.WriteLine($"WAST per batch on the CPU engine ({Environment.ProcessorCount} threads), hidden {hidden}, {epochs} epochs; " +
                          "timings of this machine at this moment (rerun on a quiet machine for figures to quote)");
        Console.WriteLine();
        Console.WriteLine("| dataset | network | connections | batches | training ms/batch | importance ms/batch | evolution ms/batch | WAST / training | scored per step | test reconstruction error | accuracy K=50 (%) | accuracy K=100 (%) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (string dataset in datasets)
        {
            string report = Path.Combine(outDir, $"{dataset}.wast.json");
            var process = Process.Start(new ProcessStartInfo("dotnet",
                [cli, "select", "--dataset", dataset, "--data-dir", dataDir, "--method", "wast", "--k-list", "50,100",
                 "--hidden", hidden.ToString(CultureInfo.InvariantCulture), "--epochs", epochs.ToString(CultureInfo.InvariantCulture),
                 "--random-draws", "1", "--device", "cpu", "--report", report,
                 "--features", Path.Combine(outDir, $"{dataset}.wast.features.csv")])
                { RedirectStandardOutput = true })!;
            string log = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            File.WriteAllText(Path.Combine(outDir, $"{dataset}.wast.log"), log);
            if (process.ExitCode != 0) throw new InvalidOperationException($"select on {dataset} failed (exit {process.ExitCode}); its output is in {outDir}");

            using var json = JsonDocument.Parse(File.ReadAllText(report));
            var root = json.RootElement;
            var wast = root.GetProperty("wast");
            long batches = wast.GetProperty("batches").GetInt64(), steps = wast.GetProperty("steps").GetInt64();
            double train = wast.GetProperty("trainSeconds").GetDouble(), importance = wast.GetProperty("importanceSeconds").GetDouble();
            double evolution = wast.GetProperty("evolutionSeconds").GetDouble();
            double training = train - importance - evolution;
            var sizes = root.GetProperty("autoencoder").GetProperty("layerSizes").EnumerateArray().Select(e => e.GetInt32());
            double Accuracy(int k) => root.GetProperty("rows").EnumerateArray().First(r => r.GetProperty("k").GetInt32() == k)
                                          .GetProperty("selected").GetProperty("accuracy").GetDouble();
            double error = root.GetProperty("reconstructionError").EnumerateArray().Last().GetDouble();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {dataset} | {string.Join("-", sizes)} | {wast.GetProperty("connections").GetInt64()} | {batches} | {1000 * training / batches:F3} | " +
                $"{1000 * importance / batches:F3} | {1000 * evolution / batches:F3} | {(importance + evolution) / training:F2} | " +
                $"{wast.GetProperty("scored").GetInt64() / (double)Math.Max(1, steps):F0} | {error:F5} | {100 * Accuracy(50):F2} | {100 * Accuracy(100):F2} |"));
        }
    }
}
