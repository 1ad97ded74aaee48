using System.Diagnostics;
using System.Text.Json;
using ScottPlot;
using SetGpu.Analysis;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Bench;

/// <summary>
/// <c>nnstd-study</c>, the closing note of the feature-selection and topology-distance issue: SET runs of one network
/// on COIL20 from different seeds reach similar accuracy while their topologies move apart. Twice: every run from one
/// start (seed 1's topology and weights; the seeds drive the sample order and the regrowth), and every run from its own
/// start. Each run's topology is taken before training and after every epoch's evolution; printed and written (JSON, a
/// PNG line chart per variant): each run's test accuracy per epoch, the exact NNSTD of every pair of runs per epoch
/// (per layer and network), and each run's NNSTD from its own starting topology.
/// </summary>
static class NnstdStudy
{
    public static void Run(string dataDirectory, int[] hidden, int epochs, ulong[] seeds, string outFolder)
    {
        var data = Standardizer.FitTransform(new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = dataDirectory, AllowDownload = false })
            .Load("coil20", seed: 1), StandardizationMode.PerFeature);
        int[] sizes = [data.Train.Features.Length / data.Train.Samples, .. hidden, 20];
        Console.WriteLine($"NNSTD study: COIL20, SET-MLP {string.Join("-", sizes)}, ε = 20, ζ = 0.3, {epochs} epochs, seeds {string.Join(",", seeds)} " +
                          $"(the reference COIL20 settings: ReLU, sigmoid output, batch 2, lr 0.01, momentum 0.9)");
        Directory.CreateDirectory(outFolder);
        var results = new List<object>();
        foreach (bool sameStart in new[] { true, false })
        {
            string name = sameStart ? "same-start" : "independent";
            Console.WriteLine(sameStart
                ? $"\n== same start: every run begins from seed {seeds[0]}'s network (topology and weights); the seed drives the sample order and the regrowth"
                : "\n== independent starts: each seed draws its own Erdős–Rényi topology and weights");
            results.Add(Variant(data, sizes, epochs, seeds, sameStart, Path.Combine(outFolder, $"nnstd-study-{name}.png")));
        }
        string json = Path.Combine(outFolder, "nnstd-study.json");
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            dataset = "COIL20", shape = string.Join("-", sizes), epsilon = 20, zeta = 0.3, epochs, seeds, variants = results,
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {json}");
    }

    static object Variant(DatasetSplit data, int[] sizes, int epochs, ulong[] seeds, bool sameStart, string png)
    {
        SetMlpSpec Spec(ulong seed) => new()
        {
            LayerSizes = sizes, OutputActivation = OutputActivation.Sigmoid, Loss = LossKind.MseReference,
            Epsilon = 20, Zeta = 0.3, WeightInit = WeightInitKind.ReferenceNormal, Epochs = epochs, BatchSize = 2,
            Optimizer = new Sgd { LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 0.0002f }, Seed = seed,
        };
        var start = SparseNetwork.Create(Spec(seeds[0]));
        var snapshots = new List<LayerTopology[]>[seeds.Length];
        var accuracy = new double[seeds.Length][];
        var seconds = new double[seeds.Length];
        for (int k = 0; k < seeds.Length; k++)
        {
            using var model = sameStart
                ? SetMlp.FromNetwork(new SparseNetwork(Spec(seeds[k]), start.Clone().Layers), Device.Cpu)
                : SetMlp.Create(Spec(seeds[k]), Device.Cpu);
            var taken = new List<LayerTopology[]> { LayerTopology.Of(model.Export()) };
            snapshots[k] = taken;
            var clock = Stopwatch.StartNew();
            // Reported after the epoch's evolution, on the training thread: the topology the next epoch starts from.
            var report = model.Fit(new TrainingData(data.Train, Test: data.Test), new Synchronous(_ => taken.Add(LayerTopology.Of(model.Export()))));
            seconds[k] = clock.Elapsed.TotalSeconds;
            accuracy[k] = report.Epochs.Select(e => e.Test!.Accuracy!.Value).ToArray();
            Console.WriteLine($"seed {seeds[k]}: test accuracy {string.Join(" ", accuracy[k].Select(a => $"{100 * a:F1}"))} % ({seconds[k]:F0} s)");
        }

        var pairs = new List<(int A, int B)>();
        for (int a = 0; a < seeds.Length; a++)
            for (int b = a + 1; b < seeds.Length; b++) pairs.Add((a, b));
        var pairDistances = pairs.Select(_ => new NetworkDistance[epochs + 1]).ToArray();
        var drift = seeds.Select(_ => new NetworkDistance[epochs + 1]).ToArray();
        var approximateError = pairs.Select(_ => new double[epochs + 1]).ToArray();
        var distanceClock = Stopwatch.StartNew();
        int computed = 0;
        Console.WriteLine($"{"epoch",5} " + string.Join(" ", pairs.Select(p => $"{$"NNSTD {seeds[p.A]}-{seeds[p.B]}",12}")) + "   per layer (first pair)   " +
                          string.Join(" ", seeds.Select(s => $"{$"drift {s}",9}")));
        for (int t = 0; t <= epochs; t++)
        {
            for (int p = 0; p < pairs.Count; p++)
                pairDistances[p][t] = TopologyDistance.Between(snapshots[pairs[p].A][t], snapshots[pairs[p].B][t]);
            // The approximate mode on real SET topologies, timed apart from the exact distances.
            distanceClock.Stop();
            for (int p = 0; p < pairs.Count; p++)
                approximateError[p][t] = TopologyDistance.Between(snapshots[pairs[p].A][t], snapshots[pairs[p].B][t],
                                                                  new() { Approximate = true }).Distance - pairDistances[p][t].Distance;
            distanceClock.Start();
            for (int k = 0; k < seeds.Length; k++)
                drift[k][t] = TopologyDistance.Between(snapshots[k][0], snapshots[k][t]);
            computed += pairs.Count + seeds.Length;
            Console.WriteLine($"{t,5} " + string.Join(" ", pairDistances.Select(d => $"{d[t].Distance,12:F4}")) + "   " +
                              string.Join(" ", pairDistances[0][t].Layers.Select(l => $"{l.Distance:F3}")).PadRight(22) + " " +
                              string.Join(" ", drift.Select(d => $"{d[t].Distance,9:F4}")));
        }
        double perDistance = distanceClock.Elapsed.TotalSeconds / computed;
        Console.WriteLine($"{computed} exact distances in {distanceClock.Elapsed.TotalSeconds:F1} s ({perDistance:F2} s each)");
        var errors = approximateError.SelectMany(e => e).ToArray();
        Console.WriteLine($"approximate mode against exact, every pair and epoch: error {errors.Min():+0.0000;-0.0000;0} … {errors.Max():+0.0000;-0.0000;0}");
        Chart(seeds, pairs, pairDistances, drift, accuracy, sizes, sameStart, png);
        Console.WriteLine($"wrote {png}");
        return new
        {
            start = sameStart ? $"every run from seed {seeds[0]}'s network" : "each seed its own",
            runs = seeds.Select((s, k) => new { seed = s, testAccuracy = accuracy[k], trainSeconds = seconds[k],
                                                driftFromStart = drift[k].Select(d => d.Distance).ToArray() }),
            pairs = pairs.Select((p, i) => new
            {
                seeds = new[] { seeds[p.A], seeds[p.B] },
                distance = pairDistances[i].Select(d => d.Distance).ToArray(),
                layers = pairDistances[i].Select(d => d.Layers.Select(l => l.Distance).ToArray()).ToArray(),
            }),
            secondsPerDistance = perDistance,
            approximateError = approximateError,
        };
    }

    static void Chart(ulong[] seeds, List<(int A, int B)> pairs, NetworkDistance[][] pairDistances, NetworkDistance[][] drift,
                      double[][] accuracy, int[] sizes, bool sameStart, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double[] x = Enumerable.Range(0, pairDistances[0].Length).Select(t => (double)t).ToArray();
        for (int p = 0; p < pairs.Count; p++)
        {
            var line = plot.Add.Scatter(x, pairDistances[p].Select(d => d.Distance).ToArray(), palette.GetColor(p));
            line.LegendText = $"NNSTD between seeds {seeds[pairs[p].A]} and {seeds[pairs[p].B]}";
            line.LineWidth = 2;
        }
        for (int k = 0; k < seeds.Length; k++)
        {
            var line = plot.Add.Scatter(x, drift[k].Select(d => d.Distance).ToArray(), palette.GetColor(pairs.Count + k));
            line.LegendText = $"NNSTD of seed {seeds[k]} from its start";
            line.LinePattern = LinePattern.Dashed;
            line.MarkerSize = 3;
        }
        for (int k = 0; k < seeds.Length; k++)
        {
            var line = plot.Add.Scatter(x.Skip(1).ToArray(), accuracy[k], palette.GetColor(pairs.Count + seeds.Length + k));
            line.LegendText = $"test accuracy, seed {seeds[k]}";
            line.LinePattern = LinePattern.Dotted;
            line.MarkerSize = 3;
        }
        plot.Title($"SET on COIL20 ({string.Join("-", sizes)}), {(sameStart ? "one start, three seeds" : "three independent starts")}: NNSTD and accuracy");
        plot.XLabel("epoch (0 = Erdős–Rényi start)");
        plot.YLabel("NNSTD (solid, dashed) · test accuracy (dotted)");
        plot.Axes.SetLimitsY(0, 1.02);
        plot.ShowLegend(Alignment.LowerRight);
        plot.Font.Set("DejaVu Sans");
        plot.SavePng(path, 1000, 620);
    }

    /// <summary>An <see cref="IProgress{T}"/> that acts on the reporting thread (Progress&lt;T&gt; would post it elsewhere, later).</summary>
    sealed class Synchronous(Action<EpochRecord> action) : IProgress<EpochRecord>
    {
        public void Report(EpochRecord value) => action(value);
    }
}
