using SetGpu.Model;
using SetGpu.Rbm;

namespace SetGpu.Analysis;

/// <summary>How <see cref="TopologyDistance"/> matches neurons.</summary>
public sealed record TopologyDistanceOptions
{
    /// <summary>Match every layer approximately (<see cref="GreedyMatching"/>), however small.</summary>
    public bool Approximate { get; init; }

    /// <summary>
    /// The widest layer matched exactly: its cost matrix holds neurons² doubles (800 MB at 10,000). Wider layers are
    /// matched approximately.
    /// </summary>
    public int ExactLimit { get; init; } = 10_000;

    /// <summary>In the approximate matching, the lowest-cost partners each neuron keeps as candidates.</summary>
    public int Candidates { get; init; } = 64;

    /// <summary>Threads that fill the cost matrix (the assignment itself runs on one).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}

/// <summary>One layer's distance: the mean Jaccard distance of the matched neurons.</summary>
/// <param name="Layer">0 for the layer nearest the input.</param>
/// <param name="Neurons">Its output neurons.</param>
/// <param name="Distance">In [0, 1].</param>
/// <param name="Exact">Whether the matching was the minimum-cost one (else the greedy one, an upper bound).</param>
public sealed record LayerDistance(int Layer, int Neurons, double Distance, bool Exact);

/// <summary>The distance of two networks: each layer's and their mean.</summary>
public sealed record NetworkDistance(IReadOnlyList<LayerDistance> Layers)
{
    /// <summary>The network distance: the mean over layers.</summary>
    public double Distance => Layers.Average(l => l.Distance);

    /// <summary>Whether every layer was matched exactly.</summary>
    public bool Exact => Layers.All(l => l.Exact);
}

/// <summary>
/// NNSTD, the Neural Network Sparse Topology Distance of Liu et al. (ECML-PKDD 2020), between two networks of the same
/// shape. Per layer, each output neuron is the set of its input neurons, two neurons differ by the Jaccard distance of
/// their sets, and the neurons of the two layers are matched by a minimum-cost assignment; the layer's distance is the
/// mean matched cost. The matching renames the second network's neurons before the next layer is compared, so a network
/// whose hidden neurons are permuted is at distance 0. The network distance is the mean over layers.
/// </summary>
public static class TopologyDistance
{
    /// <summary>The distance of two SET-MLPs' topologies.</summary>
    /// <exception cref="ArgumentException">The networks have different shapes.</exception>
    public static NetworkDistance Between(SparseNetwork first, SparseNetwork second, TopologyDistanceOptions? options = null) =>
        Between(LayerTopology.Of(first), LayerTopology.Of(second), options);

    /// <summary>The distance of two SET-RBMs' topologies (one layer: visible to hidden).</summary>
    public static NetworkDistance Between(SparseRbm first, SparseRbm second, TopologyDistanceOptions? options = null) =>
        Between([LayerTopology.Of(first.Weights)], [LayerTopology.Of(second.Weights)], options);

    /// <summary>The distance of two stacks of layers of the same shapes, input side first.</summary>
    /// <exception cref="ArgumentException">The stacks differ in depth or in a layer's shape.</exception>
    public static NetworkDistance Between(IReadOnlyList<LayerTopology> first, IReadOnlyList<LayerTopology> second,
                                          TopologyDistanceOptions? options = null)
    {
        options ??= new();
        CheckShapes(first, second);
        var layers = new List<LayerDistance>();
        // Input neurons are the same in both networks; later, the matching below names the second network's inputs.
        var inputOf1 = Enumerable.Range(0, first.Count > 0 ? first[0].Inputs : 0).ToArray();
        for (int l = 0; l < first.Count; l++)
        {
            var sets = new NeuronSets(first[l], second[l], inputOf1);
            bool exact = !options.Approximate && sets.Neurons <= options.ExactLimit;
            var (distance, partner) = exact ? ExactLayer(sets, options.Threads) : GreedyMatching.Match(sets, options.Candidates);
            layers.Add(new LayerDistance(l, sets.Neurons, distance, exact));
            // Output c of the second network is output partner-of-c of the first: the next layer's input renaming.
            inputOf1 = new int[sets.Neurons];
            for (int r = 0; r < partner.Length; r++) inputOf1[partner[r]] = r;
        }
        return new NetworkDistance(layers);
    }

    /// <summary>The full cost matrix, filled row by row from sparse intersections, and the exact assignment.</summary>
    static (double Distance, int[] Partner) ExactLayer(NeuronSets sets, int threads)
    {
        int n = sets.Neurons;
        if (n == 0) return (0, []);
        var cost = new double[n, n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => (Counts: new int[n], Touched: new int[n]),
            (r, _, scratch) =>
            {
                int listed = sets.Intersections(r, scratch.Counts, scratch.Touched);
                int a = sets.SizeOf1(r);
                for (int c = 0; c < n; c++) cost[r, c] = NeuronSets.Jaccard(a, sets.SizeOf2(c), scratch.Counts[c]);
                for (int k = 0; k < listed; k++) scratch.Counts[scratch.Touched[k]] = 0;
                return scratch;
            },
            _ => { });
        var partner = LinearAssignment.Solve(cost);
        double total = 0;
        for (int r = 0; r < n; r++) total += cost[r, partner[r]];
        return (total / n, partner);
    }

    static void CheckShapes(IReadOnlyList<LayerTopology> first, IReadOnlyList<LayerTopology> second)
    {
        if (first.Count != second.Count)
            throw new ArgumentException($"the networks differ in depth: {first.Count} layers against {second.Count}");
        for (int l = 0; l < first.Count; l++)
        {
            if (first[l].Inputs != second[l].Inputs || first[l].Outputs != second[l].Outputs)
                throw new ArgumentException($"layer {l} differs in shape: {first[l].Shape} against {second[l].Shape}");
            if (l > 0 && first[l].Inputs != first[l - 1].Outputs)
                throw new ArgumentException($"layer {l} has {first[l].Inputs} inputs but layer {l - 1} has {first[l - 1].Outputs} outputs");
        }
    }
}
