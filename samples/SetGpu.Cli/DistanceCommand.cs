using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SetGpu.Analysis;
using SetGpu.Checkpoints;
using SetGpu.Cli.Plots;

namespace SetGpu.Cli;

/// <summary>
/// <c>distance</c>: the topology distance (NNSTD, Liu et al. 2020) between the networks of two or more checkpoints of the
/// same shape: per layer and for the network, for every pair, with a heat map of the pairs and a JSON report.
/// </summary>
internal static class DistanceCommand
{
    public static Command Create()
    {
        var checkpoints = new Argument<string[]>("checkpoints")
        {
            Description = "Two or more checkpoints (SET-MLP or SET-RBM) of networks of the same shape",
            Arity = ArgumentArity.OneOrMore,
        };
        var approximate = new Option<bool>("--approximate")
        {
            Description = "Match neurons greedily among those that share inputs (memory neurons × 64, not neurons²); "
                          + "without it, layers up to 10,000 neurons are matched exactly and wider ones approximately",
        };
        var heatmap = new Option<string?>("--out") { Description = "PNG heat map of the pairwise network distances", HelpName = "FILE.png" };
        var report = new Option<string?>("--report") { Description = "JSON file with every pair's per-layer and network distances", HelpName = "FILE.json" };
        var command = new Command("distance", "Topology distance (NNSTD) between the sparse networks of two or more checkpoints")
        {
            checkpoints, approximate, heatmap, report,
        };
        command.SetAction(r => CliErrors.Run(() =>
            Run(r.GetValue(checkpoints) ?? [], r.GetValue(approximate), r.GetValue(heatmap), r.GetValue(report))));
        return command;
    }

    static int Run(string[] paths, bool approximate, string? heatmapPath, string? reportPath)
    {
        if (paths.Length < 2) throw new ArgumentException($"distance: give at least two checkpoints ({paths.Length} given)");
        CheckPng(heatmapPath);
        var networks = paths.Select(Topology).ToArray();
        for (int k = 1; k < networks.Length; k++) CheckShape(paths[0], networks[0], paths[k], networks[k]);

        var options = new TopologyDistanceOptions { Approximate = approximate };
        int n = paths.Length;
        var matrix = new double[n, n];
        var pairs = new List<object>();
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
            {
                var distance = TopologyDistance.Between(networks[a], networks[b], options);
                matrix[a, b] = matrix[b, a] = distance.Distance;
                Console.WriteLine($"{paths[a]} – {paths[b]}");
                Console.WriteLine($"  {"layer",5} {"shape",13} {"distance",9}  matching");
                foreach (var layer in distance.Layers)
                    Console.WriteLine($"  {layer.Layer,5} {networks[a][layer.Layer].Shape,13} {layer.Distance,9:F4}  {(layer.Exact ? "exact" : "approximate")}");
                Console.WriteLine($"  network distance {distance.Distance:F4}{(distance.Exact ? "" : " (approximate)")}");
                pairs.Add(new
                {
                    first = paths[a], second = paths[b], distance = distance.Distance, exact = distance.Exact,
                    layers = distance.Layers.Select(l => new { layer = l.Layer, neurons = l.Neurons, distance = l.Distance, exact = l.Exact }),
                });
            }
        if (n > 2) PrintMatrix(paths, matrix);

        if (heatmapPath is not null)
        {
            DistanceHeatmap.Write(paths.Select(Path.GetFileNameWithoutExtension).ToArray()!, matrix, heatmapPath);
            Console.WriteLine($"heat map: {heatmapPath}");
        }
        if (reportPath is not null)
        {
            var document = new
            {
                method = "NNSTD (Liu et al., ECML-PKDD 2020): Jaccard distance of neurons' input sets, minimum-cost matching per layer, mean over layers",
                approximate,
                networks = paths,
                matrix = Enumerable.Range(0, n).Select(a => Enumerable.Range(0, n).Select(b => matrix[a, b]).ToArray()).ToArray(),
                pairs,
            };
            File.WriteAllText(reportPath, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"report: {reportPath}");
        }
        return 0;
    }

    /// <summary>The layers of the checkpoint's network (a SET-MLP's, or a SET-RBM's one layer).</summary>
    static LayerTopology[] Topology(string path)
    {
        var checkpoint = TrainingCheckpoint.Load(path);
        if (checkpoint.Network is { } network) return LayerTopology.Of(network);
        return [LayerTopology.Of(checkpoint.Rbm!.Weights)];
    }

    static void CheckShape(string firstPath, LayerTopology[] first, string secondPath, LayerTopology[] second)
    {
        static string Shape(LayerTopology[] layers) => string.Join("-", layers.Select(l => l.Inputs).Append(layers[^1].Outputs));
        if (first.Length != second.Length || first.Zip(second).Any(p => p.First.Inputs != p.Second.Inputs || p.First.Outputs != p.Second.Outputs))
            throw new ArgumentException($"{secondPath}: its network is {Shape(second)}, {firstPath}'s is {Shape(first)}; the distance compares networks of one shape");
    }

    static void CheckPng(string? path)
    {
        if (path is null) return;
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--out {path}: the heat map is a PNG file (NAME.png)");
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder)) throw new ArgumentException($"--out {path}: the folder {folder} does not exist");
    }

    static void PrintMatrix(string[] paths, double[,] matrix)
    {
        int n = paths.Length;
        var names = paths.Select(p => Path.GetFileNameWithoutExtension(p)).ToArray();
        int width = Math.Max(8, names.Max(s => s.Length) + 1);
        Console.WriteLine();
        Console.WriteLine("network distances:");
        Console.WriteLine(new string(' ', width) + string.Concat(names.Select(s => s.PadLeft(width))));
        for (int a = 0; a < n; a++)
            Console.WriteLine(names[a].PadRight(width) + string.Concat(Enumerable.Range(0, n).Select(b =>
                matrix[a, b].ToString("F4", CultureInfo.InvariantCulture).PadLeft(width))));
    }
}
