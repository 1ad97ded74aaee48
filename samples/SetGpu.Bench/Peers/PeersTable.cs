using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using SetGpu.Data;
using SetGpu.Export;

namespace SetGpu.Bench.Peers;

/// <summary>What one peer gave on one shape: its result, or why there is none (out of memory, out of time, failed).</summary>
internal sealed record PeerOutcome(string Shape, string Peer, PeerResult? Result, string? Skipped);

/// <summary>
/// Issue 15's peers table: SetGpu's CPU engine, SET on a dense weight matrix times a mask (PyTorch), SET on
/// torch.sparse tensors and a dense PyTorch MLP, one after the other on the same shapes, data and settings, each in a
/// process of its own with the same thread count. Writes peers.json and peers.md.
/// </summary>
internal static class PeersTable
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    static readonly Dictionary<string, string> PeerNames = new()
    {
        ["setgpu"] = "SetGpu, CPU engine",
        ["masked"] = "masked SET: dense W ⊙ mask (PyTorch)",
        ["sparse"] = "SET on torch.sparse",
        ["dense"] = "dense MLP (PyTorch)",
    };

    /// <param name="reuse">Read a peer's result JSON where --out already holds it instead of running it again (to finish
    /// an interrupted run, or to rewrite the tables).</param>
    public static void Run(IReadOnlyList<int> neurons, int lungEpochs, int mnistEpochs, IReadOnlyList<string> peers, int threads,
                           double timeLimit, string format, string dataDirectory, string outDir, string python, bool reuse)
    {
        foreach (var peer in peers.Where(p => !PeerNames.ContainsKey(p)))
        {
            Console.Error.WriteLine($"peers: --peers: unknown peer '{peer}' (setgpu, masked, sparse, dense)");
            Environment.Exit(2);
        }
        Directory.CreateDirectory(outDir);
        var shapes = neurons.Select(n => PeerShape.Lung(n, lungEpochs)).ToList();
        if (mnistEpochs > 0) shapes.Add(PeerShape.Mnist(mnistEpochs));
        string? torchMissing = peers.Any(p => p != "setgpu") ? TorchMissing(python) : null;
        var notes = new List<string>();
        if (torchMissing is not null) { notes.Add(torchMissing); Console.WriteLine(torchMissing); }

        var outcomes = new List<PeerOutcome>();
        var exported = new Dictionary<string, (string Folder, long Bytes)>();
        foreach (var shape in shapes)
        {
            if (!exported.TryGetValue(shape.Dataset, out var data))
            {
                try { exported[shape.Dataset] = data = Export(shape, dataDirectory, Path.Combine(outDir, "peers-data", shape.Dataset)); }
                catch (DataFormatException e)
                {
                    Console.Error.WriteLine($"peers: {shape.Name}: {e.Message} (--data-dir {dataDirectory})");
                    Environment.Exit(2);
                }
            }
            Console.WriteLine($"{shape.Name}: {shape.Description}, {shape.Connections:N0} connections, {shape.Epochs} epoch(s)");
            foreach (var peer in peers)
            {
                var outcome = peer != "setgpu" && torchMissing is not null
                    ? new PeerOutcome(shape.Name, peer, null, "not run: PyTorch is missing")
                    : RunPeer(peer, shape, data, threads, timeLimit, format, dataDirectory, outDir, python, reuse);
                outcomes.Add(outcome);
                Console.WriteLine($"  {Line(outcome)}");
            }
        }
        notes.AddRange(Checks(outcomes));
        string machine = $"{Machine()}, {threads} thread(s) per peer";
        File.WriteAllText(Path.Combine(outDir, "peers.json"), JsonSerializer.Serialize(new { machine, timeLimit, format, outcomes, notes }, Json));
        string markdown = Markdown(shapes, outcomes, notes, machine, threads, timeLimit, format);
        File.WriteAllText(Path.Combine(outDir, "peers.md"), markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"written: {Path.Combine(outDir, "peers.json")}, {Path.Combine(outDir, "peers.md")}");
    }

    /// <summary>Why the python peers cannot run, or null when python3 imports torch and numpy.</summary>
    static string? TorchMissing(string python)
    {
        string message = $"The PyTorch peers were not run: {python} cannot import torch (Debian: apt-get install -y python3-torch libopenblas0-pthread).";
        if (!File.Exists(python)) return message;
        using var probe = Process.Start(new ProcessStartInfo(python, ["-c", "import torch, numpy"]) { RedirectStandardError = true })!;
        probe.StandardError.ReadToEnd();
        probe.WaitForExit();
        return probe.ExitCode == 0 ? null : message;
    }

    /// <summary>Writes the split every peer uses as train_x/train_y/test_x/test_y .npy files; returns the folder and the features' bytes.</summary>
    static (string Folder, long Bytes) Export(PeerShape shape, string dataDirectory, string folder)
    {
        Directory.CreateDirectory(folder);
        var split = shape.LoadData(dataDirectory);
        foreach (var (name, set) in new[] { ("train", split.Train), ("test", split.Test) })
        {
            using (var x = File.Create(Path.Combine(folder, $"{name}_x.npy")))
                Npy.Write(x, "<f4", [set.Samples, set.FeatureCount], MemoryMarshal.AsBytes(set.Features.AsSpan()));
            using var y = File.Create(Path.Combine(folder, $"{name}_y.npy"));
            Npy.Write(y, set.Labels);
        }
        return (folder, 4L * (split.Train.Features.LongLength + split.Test.Features.LongLength));
    }

    static PeerOutcome RunPeer(string peer, PeerShape shape, (string Folder, long Bytes) data, int threads, double timeLimit,
                               string format, string dataDirectory, string outDir, string python, bool reuse)
    {
        string result = Path.Combine(outDir, $"peer-{peer}-{shape.Name.Replace(':', '-')}.json");
        if (reuse && File.Exists(result))
            return new PeerOutcome(shape.Name, peer, JsonSerializer.Deserialize<PeerResult>(File.ReadAllText(result), Json), null);
        double needed = PeerMemory.Needed(peer, shape, data.Bytes);
        long available = HostMemory.Available().Bytes;
        if (needed > available)
            return new PeerOutcome(shape.Name, peer, null, $"OOM: needs {needed / 1e9:F1} GB (MemAvailable {available / 1e9:F1} GB)");
        File.Delete(result);
        ProcessStartInfo start;
        if (peer == "setgpu")
        {
            start = new ProcessStartInfo(Environment.ProcessPath!);
            // Started as `dotnet SetGpu.Bench.dll …`, this process is the dotnet host: the child needs the assembly first.
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(PeersTable).Assembly.Location);
            foreach (var a in new[] { "peer-setgpu", "--shape", shape.Name, "--epochs", $"{shape.Epochs}", "--data-dir", dataDirectory,
                                      "--time-limit", $"{timeLimit}", "--result", result })
                start.ArgumentList.Add(a);
            start.Environment["DOTNET_PROCESSOR_COUNT"] = $"{threads}";
        }
        else
        {
            start = new ProcessStartInfo(python);
            string script = Path.Combine(AppContext.BaseDirectory, "Peers", "peer.py");
            foreach (var a in new[] { script, "--peer", peer, "--data", data.Folder, "--layers", string.Join(',', shape.Layers),
                                      "--batch", $"{shape.Batch}", "--epochs", $"{shape.Epochs}", "--threads", $"{threads}",
                                      "--output", shape.OutputName, "--init", shape.InitName, "--epsilon", $"{PeerShape.Epsilon}",
                                      "--zeta", $"{PeerShape.Zeta}", "--lr", $"{PeerShape.LearningRate}", "--momentum", $"{PeerShape.Momentum}",
                                      "--decay", $"{PeerShape.WeightDecay}", "--time-limit", $"{timeLimit}", "--format", format, "--result", result })
                start.ArgumentList.Add(a);
            start.Environment["OMP_NUM_THREADS"] = start.Environment["OPENBLAS_NUM_THREADS"] = $"{threads}";
        }
        Console.WriteLine($"  {PeerNames[peer]}:");
        using var child = Process.Start(start)!;
        // The peers stop themselves at the limit; this is for one stuck in creation or evaluation.
        if (!child.WaitForExit(TimeSpan.FromSeconds(timeLimit * 1.5 + 120)))
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            return new PeerOutcome(shape.Name, peer, null, $"> {timeLimit:G} s (killed)");
        }
        if (child.ExitCode != 0 || !File.Exists(result))
            return new PeerOutcome(shape.Name, peer, null, $"failed ({ChildExit.Describe(child.ExitCode)}; its output is above)");
        return new PeerOutcome(shape.Name, peer, JsonSerializer.Deserialize<PeerResult>(File.ReadAllText(result), Json), null);
    }

    /// <summary>What must hold between the peers of a shape: the same samples, the same connection count (dense aside).</summary>
    static IEnumerable<string> Checks(List<PeerOutcome> outcomes)
    {
        foreach (var shape in outcomes.GroupBy(o => o.Shape))
        {
            var results = shape.Where(o => o.Result is not null).Select(o => o.Result!).ToList();
            if (results.Count == 0) continue;
            double checksum = results[0].DataChecksum;
            foreach (var r in results.Where(r => Math.Abs(r.DataChecksum - checksum) > 1e-6 * Math.Max(1, Math.Abs(checksum))))
                yield return $"{shape.Key}: {r.Peer} read different data (Σ features {r.DataChecksum} against {checksum})";
            var sparse = results.Where(r => r.Peer != "dense").ToList();
            if (sparse.Select(r => string.Join(',', r.Connections)).Distinct().Count() > 1)
                yield return $"{shape.Key}: the peers' connections differ: " + string.Join("; ", sparse.Select(r => $"{r.Peer} {string.Join(',', r.Connections)}"));
        }
    }

    static string Line(PeerOutcome o) => o.Result is not { } r
        ? $"{PeerNames[o.Peer]}: {o.Skipped}"
        : r.Train.Length == 0
            ? $"{PeerNames[o.Peer]}: {r.TotalConnections:N0} connections, stopped at the time limit inside epoch 1 (≈ {r.EstimatedTrainSeconds:F0} s/epoch estimated), " +
              $"peak RSS {r.PeakRssBytes / 1e9:F2} GB"
            : $"{PeerNames[o.Peer]}: {r.TotalConnections:N0} connections, train {r.TrainSeconds:F3} s/epoch, evolution {r.EvolutionSeconds:F3} s, " +
              $"peak RSS {r.PeakRssBytes / 1e9:F2} GB, test accuracy {Accuracy(r)} (majority {r.MajorityRate:P2})";

    static string Accuracy(PeerResult r) => r.FinalAccuracy is { } a ? $"{a:P2}" : "–";

    static string Markdown(List<PeerShape> shapes, List<PeerOutcome> outcomes, List<string> notes, string machine, int threads,
                           double timeLimit, string format)
    {
        var md = new StringBuilder();
        md.AppendLine($"Machine: {machine}. Every peer in a process of its own, one after the other, on the same samples (exported " +
                      $"to .npy), the same connection count and settings: ε = {PeerShape.Epsilon}, ζ = {PeerShape.Zeta}, SGD lr " +
                      $"{PeerShape.LearningRate}, momentum {PeerShape.Momentum}, weight decay {PeerShape.WeightDecay}, ReLU hidden layers. " +
                      $"Per epoch: train, test, evolve. Times are medians of the epochs after the first when there are several. " +
                      $"Peak RSS is the process's maximum resident set, runtime and data included. Each peer stops at {timeLimit:G} s; " +
                      $"torch.sparse in {format.ToUpperInvariant()} form. How each peer is timed: [README.md](README.md#peers).");
        md.AppendLine();
        md.AppendLine("| network | peer | connections | create (s) | train (s/epoch) | evolution (s/epoch) | epoch ÷ SetGpu | peak RSS | RSS ÷ SetGpu | test accuracy (majority) |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var shape in shapes)
        {
            var here = outcomes.Where(o => o.Shape == shape.Name).ToList();
            var reference = here.FirstOrDefault(o => o.Peer == "setgpu")?.Result;
            foreach (var o in here)
            {
                string network = $"{shape.Description}, {shape.Epochs} epoch(s)";
                if (o.Result is not { } r)
                {
                    md.AppendLine($"| {network} | {PeerNames[o.Peer]} | – | – | {o.Skipped} | – | – | – | – | – |");
                    continue;
                }
                double epoch = r.Train.Length > 0 ? r.TrainSeconds + r.EvolutionSeconds : r.EstimatedTrainSeconds ?? double.NaN;
                string train = r.Train.Length > 0 ? $"{r.TrainSeconds:F3}" : $"> {timeLimit:G} s (≈ {r.EstimatedTrainSeconds:F0} s/epoch est.)";
                string evolution = r.Evolution.Length > 0 ? $"{r.EvolutionSeconds:F3}" : "–";
                string ratio = reference is null || reference.Train.Length == 0 ? "–"
                    : $"{(r.Train.Length > 0 ? "" : "≈ ")}{epoch / (reference.TrainSeconds + reference.EvolutionSeconds):F1}×";
                string memory = reference is null ? "–" : $"{(double)r.PeakRssBytes / reference.PeakRssBytes:F1}×";
                // as the scaling table judges it: above the majority class by more than half a test sample
                string accuracy = r.FinalAccuracy is { } a
                    ? $"{a:P2} after {r.Accuracy.Length}{(r.TimedOut ? " (stopped at the time limit)" : "")}" +
                      $"{(a > r.MajorityRate + 0.5 / Math.Max(1, r.TestSamples) ? "" : ", did not learn")}" : "–";
                md.AppendLine($"| {network} | {PeerNames[o.Peer]} | {r.TotalConnections:N0} | {r.CreateSeconds:F2} | {train} | {evolution} | " +
                              $"{ratio} | {r.PeakRssBytes / 1e9:F2} GB | {memory} | {accuracy} ({r.MajorityRate:P2}) |");
            }
        }
        var blas = outcomes.Select(o => o.Result?.Blas).Where(b => b is not null).Distinct().ToList();
        if (blas.Count > 0) md.AppendLine($"\nPyTorch's BLAS: {string.Join("; ", blas)}.");
        foreach (var note in notes) md.AppendLine($"\n{note}");
        return md.ToString();
    }

    static string Machine()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        return $"{cpu}, {Environment.ProcessorCount} cores, {HostMemory.Available().Bytes / 1e9:F0} GB available at the start";
    }
}
