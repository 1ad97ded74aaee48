using System.Diagnostics;
using SetGpu.Analysis;
using SetGpu.Model;

namespace SetGpu.Bench;

/// <summary>
/// <c>nnstd-speed</c>: the topology distance's speed and its approximate mode's error. For each width n, a SET-MLP
/// n-n-n-n (Erdős–Rényi, ε) and copies of it with a fraction of each layer's connections moved (0 = the same topology,
/// 1 = all moved) and its hidden neurons renamed; the exact and the approximate distance of each pair, with their times,
/// and, for reference, the assignment alone on uniform random costs of n × n.
/// </summary>
static class TopologyDistanceBench
{
    public static void Run(int[] widths, double[] fractions, double epsilon, int candidates)
    {
        Console.WriteLine($"NNSTD exact vs approximate (greedy, {candidates} candidates per neuron), SET-MLP n-n-n-n, ε = {epsilon}, {Environment.ProcessorCount} threads fill the costs");
        Console.WriteLine($"{"n",6} {"moved",6} {"exact",9} {"s",7} {"approx",9} {"s",7} {"error",9}   per layer (exact / approx)");
        foreach (int n in widths)
        {
            var network = LayerTopology.Of(SparseNetwork.Create(new SetMlpSpec { LayerSizes = [n, n, n, n], Epsilon = epsilon, Seed = 1 }));
            var random = new Random(n);
            foreach (double fraction in fractions)
            {
                var other = TopologyEdits.PermuteHidden(TopologyEdits.Rewire(network, fraction, random), random);
                var clock = Stopwatch.StartNew();
                var exact = TopologyDistance.Between(network, other, new() { ExactLimit = int.MaxValue });
                double exactSeconds = clock.Elapsed.TotalSeconds;
                clock.Restart();
                var approximate = TopologyDistance.Between(network, other, new() { Approximate = true, Candidates = candidates });
                double approximateSeconds = clock.Elapsed.TotalSeconds;
                string layers = string.Join("  ", exact.Layers.Zip(approximate.Layers, (e, a) => $"{e.Distance:F4}/{a.Distance:F4}"));
                Console.WriteLine($"{n,6} {fraction,6:F2} {exact.Distance,9:F5} {exactSeconds,7:F2} {approximate.Distance,9:F5} {approximateSeconds,7:F2} {approximate.Distance - exact.Distance,9:F5}   {layers}");
            }
            var costs = new double[n, n];
            for (int r = 0; r < n; r++)
                for (int c = 0; c < n; c++)
                    costs[r, c] = random.NextDouble();
            var watch = Stopwatch.StartNew();
            LinearAssignment.Solve(costs);
            Console.WriteLine($"{n,6} assignment alone, uniform random costs: {watch.Elapsed.TotalSeconds:F2} s");
        }
    }
}
