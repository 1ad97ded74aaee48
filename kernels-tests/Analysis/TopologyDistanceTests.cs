using System.Globalization;
using System.Text.Json;
using SetGpu.Analysis;
using SetGpu.Export;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Sparse;

namespace SetGpu.KernelsTests.Analysis;

/// <summary>
/// NNSTD: a hand-made network pair with a known distance; 0 to itself and to a copy with its hidden neurons renamed;
/// the exact mode against a reference written with SciPy's <c>linear_sum_assignment</c> on topologies SetGpu exports
/// (within 1e-9, every layer); the approximate mode's error against the exact one where both run.
/// </summary>
public class TopologyDistanceTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    /// <summary>A layer from the input sets of its output neurons.</summary>
    static LayerTopology Layer(int inputs, params int[][] setOfOutput)
    {
        var rows = new List<int>[inputs];
        for (int i = 0; i < inputs; i++) rows[i] = [];
        for (int o = 0; o < setOfOutput.Length; o++)
            foreach (int i in setOfOutput[o]) rows[i].Add(o);
        var counts = rows.Select(r => r.Count).ToArray();
        return new(inputs, setOfOutput.Length, new CsrPattern(CsrPattern.OffsetsFromCounts(counts), rows.SelectMany(r => r).ToArray()));
    }

    [Fact]
    public void Hand_made_pair_has_its_known_distance()
    {
        // Layer 0: first {0,1}, {2}, {}; second {2}, {0}, {}. Best matching: {0,1}–{0} at 1/2, {2}–{2} at 0, {}–{} at 0:
        // mean 1/6. Layer 1: first {0}; second {1}, which is the first's hidden 0 after renaming: 0 (1 without it).
        LayerTopology[] first = [Layer(3, [0, 1], [2], []), Layer(3, [0])];
        LayerTopology[] second = [Layer(3, [2], [0], []), Layer(3, [1])];
        foreach (bool approximate in new[] { false, true })
        {
            var distance = TopologyDistance.Between(first, second, new() { Approximate = approximate });
            Assert.Equal(1.0 / 6, distance.Layers[0].Distance, 1e-15);
            Assert.Equal(0, distance.Layers[1].Distance);
            Assert.Equal(1.0 / 12, distance.Distance, 1e-15);
            Assert.Equal(!approximate, distance.Exact);
        }
    }

    [Fact]
    public void Jaccard_distance_of_sets()
    {
        Assert.Equal(0, NeuronSets.Jaccard(0, 0, 0));
        Assert.Equal(1, NeuronSets.Jaccard(3, 0, 0));
        Assert.Equal(1, NeuronSets.Jaccard(2, 3, 0));
        Assert.Equal(0, NeuronSets.Jaccard(4, 4, 4));
        Assert.Equal(3.0 / 5, NeuronSets.Jaccard(3, 4, 2)); // |A∪B| = 5, |A∖B| + |B∖A| = 1 + 2
    }

    static LayerTopology[] ErdosRenyi(int[] sizes, double epsilon, ulong seed) =>
        LayerTopology.Of(SparseNetwork.Create(new SetMlpSpec { LayerSizes = sizes, Epsilon = epsilon, Seed = seed }));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Distance_is_zero_to_itself_and_under_renamed_hidden_neurons(bool approximate)
    {
        var network = ErdosRenyi([50, 80, 60, 5], 5, 3);
        var options = new TopologyDistanceOptions { Approximate = approximate };
        Assert.All(TopologyDistance.Between(network, network, options).Layers, l => Assert.Equal(0, l.Distance));

        var renamed = TopologyEdits.PermuteHidden(network, new Random(4));
        Assert.NotEqual(network[0].Pattern.Columns, renamed[0].Pattern.Columns);
        var distance = TopologyDistance.Between(network, renamed, options);
        Assert.All(distance.Layers, l => Assert.Equal(0, l.Distance));

        // Not zero once connections move: the distance sees the change.
        var rewired = TopologyEdits.Rewire(renamed, 0.2, new Random(5));
        Assert.InRange(TopologyDistance.Between(network, rewired, options).Distance, 0.1, 0.6);
    }

    [Fact]
    public void Different_shapes_are_refused_by_layer()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            TopologyDistance.Between(ErdosRenyi([10, 20, 3], 2, 1), ErdosRenyi([10, 21, 3], 2, 1)));
        Assert.Equal("layer 0 differs in shape: 10×20 against 10×21", error.Message);
        error = Assert.Throws<ArgumentException>(() =>
            TopologyDistance.Between(ErdosRenyi([10, 20, 3], 2, 1), ErdosRenyi([10, 20, 20, 3], 2, 1)));
        Assert.Contains("differ in depth: 2 layers against 3", error.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    public void Approximate_mode_is_within_its_measured_error_of_the_exact_one(double moved)
    {
        var network = ErdosRenyi([200, 400, 400, 10], 10, 7);
        var other = TopologyEdits.PermuteHidden(TopologyEdits.Rewire(network, moved, new Random(8)), new Random(9));
        var exact = TopologyDistance.Between(network, other);
        var approximate = TopologyDistance.Between(network, other, new() { Approximate = true });
        Assert.True(exact.Exact);
        Assert.False(approximate.Exact);
        // The first layer sees the same inputs in both modes, so the greedy matching can only cost more.
        Assert.True(approximate.Layers[0].Distance >= exact.Layers[0].Distance - 1e-12);
        // The bound the docs state (docs/topology-distance.md): within 0.01 of the exact network distance.
        Assert.InRange(approximate.Distance - exact.Distance, -0.01, 0.01);
        if (moved == 0) Assert.Equal(0, approximate.Distance);
    }

    [Fact]
    public void Layers_wider_than_the_exact_limit_are_matched_approximately()
    {
        var network = ErdosRenyi([30, 40, 20, 3], 4, 1);
        var distance = TopologyDistance.Between(network, TopologyEdits.Rewire(network, 0.5, new Random(1)), new() { ExactLimit = 20 });
        Assert.Equal([false, true, true], distance.Layers.Select(l => l.Exact));
    }

    [SkippableFact]
    [Trait(Lane.Category, Lane.Slow)] // starts python
    public void Exact_mode_equals_a_scipy_reference_on_exported_topologies()
    {
        string python = Requirement.Scipy.Require();
        var data = Runs.Data();
        var networks = new[] { 9UL, 10UL }.Select(seed =>
        {
            using var model = SetMlp.Create(Runs.Small(epochs: 3) with { Seed = seed }, Device.Cpu);
            model.Fit(data.Splits());
            return model.Export();
        }).ToArray();
        string[] folders = [Path.Combine(_dir.Path, "a"), Path.Combine(_dir.Path, "b")];
        for (int k = 0; k < 2; k++) SciPyExport.Write(networks[k], folders[k]);

        var (code, output) = Programs.Run(python, "-c", """
            import sys, json, numpy as np, scipy.sparse as sp
            from scipy.optimize import linear_sum_assignment
            a, b, layers = sys.argv[1], sys.argv[2], int(sys.argv[3])
            def pattern(folder, l):
                w = sp.load_npz(f"{folder}/layer{l}_weights.npz").tocsr()
                return sp.csr_matrix((np.ones(w.nnz), w.indices, w.indptr), shape=w.shape)
            input_of_1 = None
            distances = []
            for l in range(layers):
                m1, m2 = pattern(a, l), pattern(b, l)
                if input_of_1 is not None:
                    m2 = m2[np.argsort(input_of_1)]  # row p of the renamed second layer is its row q with input_of_1[q] = p
                shared = (m1.T @ m2).toarray()
                s1 = np.asarray(m1.sum(0)).ravel()[:, None]
                s2 = np.asarray(m2.sum(0)).ravel()[None, :]
                union = s1 + s2 - shared
                cost = np.where(union == 0, 0.0, (union - shared) / np.maximum(union, 1))
                r, c = linear_sum_assignment(cost)
                distances.append(float(cost[r, c].mean()))
                input_of_1 = np.empty(len(c), dtype=int)
                input_of_1[c] = r
            print(json.dumps(distances))
            """, folders[0], folders[1], networks[0].Layers.Count.ToString(CultureInfo.InvariantCulture));
        Assert.True(code == 0, $"python exited with {code}:\n{output}");
        var expected = JsonSerializer.Deserialize<double[]>(output.Trim().Split('\n')[^1])!;

        var distance = TopologyDistance.Between(networks[0], networks[1]);
        Assert.Equal(expected.Length, distance.Layers.Count);
        for (int l = 0; l < expected.Length; l++) Assert.Equal(expected[l], distance.Layers[l].Distance, 1e-9);
        Assert.InRange(distance.Distance, 0.05, 1); // two seeds: different topologies
    }
}
