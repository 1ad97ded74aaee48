using System.CommandLine;
using SetGpu.Checkpoints;
using SetGpu.Model;
using SetGpu.Cli.Plots;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>
/// <c>plot</c>: PNG pictures of one or more runs from their JSON reports (test accuracy and loss per epoch, runs side by
/// side), of trained networks from checkpoints (weights and connections per neuron per layer), and the
/// input-connectivity movie of every report recorded with --record-connectivity (PNG frames, an HTML player and a GIF);
/// of feature selections on image data from select's reports (the selected pixels, the importance movie).
/// </summary>
internal static class PlotCommand
{
    public static Command Create()
    {
        var reports = new Argument<string[]>("reports") { Description = "JSON reports written by train --report or select --report", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the pictures", Required = true };
        var checkpoints = new Option<string[]>("--checkpoint") { Description = "Checkpoints whose networks to draw (weights and connections per neuron per layer)", AllowMultipleArgumentsPerToken = true };
        var labels = new Option<string?>("--labels") { Description = "Legend names of the reports, comma-separated (default: topology and file name)" };
        var command = new Command("plot", "Draw runs (accuracy, loss), networks (weights, connections per neuron), the input-connectivity movie, and selected pixels and the importance movie of select, as PNG/HTML/GIF")
        {
            reports, output, checkpoints, labels,
        };
        command.SetAction(r => CliErrors.Run(() => Run(r.GetValue(reports) ?? [], r.GetValue(checkpoints) ?? [], r.GetValue(labels), r.GetValue(output)!)));
        return command;
    }

    static int Run(string[] reportPaths, string[] checkpointPaths, string? labelText, string folder)
    {
        if (reportPaths.Length == 0 && checkpointPaths.Length == 0)
            throw new ArgumentException("plot: give at least one report (REPORT.json) or one --checkpoint FILE");
        var selections = reportPaths.Where(SelectionPlots.IsSelection).ToArray();
        reportPaths = [.. reportPaths.Except(selections)];
        var labels = labelText?.Split(',').Select(l => l.Trim()).ToArray();
        if (labels is not null && labels.Length != reportPaths.Length)
            throw new ArgumentException($"--labels: {labels.Length} names for {reportPaths.Length} training reports");
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var path in selections)
            written.AddRange(SelectionPlots.Write(path, folder));

        var runs = reportPaths.Select((p, i) =>
        {
            var report = TrainingReport.Load(p);
            if (report.Epochs.Count == 0) throw new ArgumentException($"{p}: the report has no epochs yet");
            return new LabelledRun(labels?[i] ?? DefaultLabel(report, p), report);
        }).ToList();
        if (runs.Count > 0)
        {
            string accuracy = Path.Combine(folder, "accuracy.png"), loss = Path.Combine(folder, "loss.png");
            var classifiers = runs.Where(r => RunCurves.HasAccuracy(r.Report)).ToList();
            if (classifiers.Count > 0)
            {
                RunCurves.Accuracy(classifiers, accuracy);
                written.Add(accuracy);
            }
            RunCurves.Loss(runs, loss);
            written.Add(loss);
        }
        for (int i = 0; i < runs.Count; i++)
        {
            var report = runs[i].Report;
            bool recorded = report.InitialInputConnections is not null || report.Epochs.Any(e => e.InputConnections is not null);
            if (!recorded || report.ImageShape is null) continue;
            string stem = Path.GetFileNameWithoutExtension(reportPaths[i]);
            string frames = Path.Combine(folder, $"{stem}-connectivity"), html = Path.Combine(folder, $"{stem}-connectivity.html"),
                   gif = Path.Combine(folder, $"{stem}-connectivity.gif");
            var captions = ConnectivityMovie.Write(report, reportPaths[i], frames, html, gif);
            Console.WriteLine($"{stem}: {captions[0]}");
            Console.WriteLine($"{stem}: {captions[^1]}");
            written.AddRange([frames + Path.DirectorySeparatorChar + $"frame-000.png … frame-{captions.Count - 1:D3}.png", html, gif]);
        }
        foreach (var path in checkpointPaths)
        {
            var checkpoint = TrainingCheckpoint.Load(path);
            string stem = Path.GetFileNameWithoutExtension(path);
            string title = $"{stem}, epoch {checkpoint.EpochsCompleted}:";
            string weights = Path.Combine(folder, $"{stem}-weights.png"), connections = Path.Combine(folder, $"{stem}-connections-per-neuron.png");
            IReadOnlyList<SparseLayer> layers = checkpoint.Network?.Layers ?? [checkpoint.Rbm!.Weights];
            NetworkPlots.WeightHistograms(layers, title, weights);
            NetworkPlots.ConnectionsPerNeuron(layers, title, connections);
            written.AddRange([weights, connections]);
        }
        foreach (var file in written) Console.WriteLine(file);
        return 0;
    }

    static string DefaultLabel(TrainingReport report, string path) =>
        $"{ConnectivityMovie.TopologyName(report.Spec.Topology)} ({Path.GetFileNameWithoutExtension(path)})";
}
