using SetGpu.Evolution;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Rng;

namespace SetGpu.KernelsTests.Evolution;

/// <summary>A whole evolution step on a layer: invariants of the rebuilt CSR arrays and of the optimiser state.</summary>
public class SparseEvolutionTests
{
    [Theory]
    [InlineData(300, 200, 0.05, 0.3)]
    [InlineData(50, 40, 0.9, 0.3)]   // near full density: dense-mode regrowth
    [InlineData(30, 20, 1.0, 0.3)]   // full: regrowth refills exactly the removed positions
    [InlineData(100, 100, 0.1, 0.0)] // ζ = 0: nothing changes
    [InlineData(1000, 5, 0.2, 0.5)]
    public void Keeps_nnz_and_csr_invariants_and_resets_only_new_momentum(int inputs, int outputs, double density, double zeta)
    {
        var layer = TestLayers.Random(inputs, outputs, density, seed: inputs + outputs);
        var before = layer.Clone();
        var result = SparseEvolution.EvolveLayer(layer, layerIndex: 1, zeta, seed: 77, epoch: 3);

        layer.Validate();
        Assert.Equal(before.Connections, layer.Connections);
        Assert.Equal(result.Prune.Removed, result.Added);
        Assert.Equal(before.Bias, layer.Bias);

        var removed = new byte[before.Connections];
        Pruning.MarkRemovals(before.Weights, zeta, removed);
        var old = Entries(before);
        var regrowthKey = CounterRng.Key(77, RngStream.RegrowthWeights, 1, 3);
        int kept = 0, added = 0;
        for (int i = 0; i < inputs; i++)
            for (int k = layer.Pattern.Offsets[i]; k < layer.Pattern.Offsets[i + 1]; k++)
            {
                long position = (long)i * outputs + layer.Pattern.Columns[k];
                if (old.TryGetValue(position, out int oldIndex) && removed[oldIndex] == 0)
                {
                    kept++;
                    Assert.Equal(before.Weights[oldIndex], layer.Weights[k]);
                    Assert.Equal(before.WeightVelocity[oldIndex], layer.WeightVelocity[k]);
                }
                else
                {
                    added++;
                    Assert.Equal(0f, layer.WeightVelocity[k]);
                    Assert.Equal(layer.Init.Value(regrowthKey, position), layer.Weights[k]);
                }
            }
        Assert.Equal(before.Connections - result.Prune.Removed, kept); // every survivor is still there
        Assert.Equal(result.Added, added);
    }

    /// <summary>
    /// Regrowth at 0 (RegrowthValues.Zero): every new connection holds 0, and evolution alone, with no training between
    /// the steps, does not raise the layer's mean |w|, as regrowing with the initialiser's draws does (the pruning keeps
    /// the largest weights and fresh draws replace the smallest).
    /// </summary>
    [Fact]
    public void Zero_regrowth_gives_new_connections_0_and_does_not_raise_the_mean_magnitude()
    {
        var drawn = TestLayers.Random(400, 300, 0.05, seed: 8);
        var zero = new SparseLayer(drawn.Inputs, drawn.Outputs, drawn.Activation, WeightInit.Zero, drawn.Pattern,
                                   drawn.Weights.ToArray(), drawn.WeightVelocity.ToArray(), drawn.Bias, drawn.BiasVelocity);
        double start = MeanMagnitude(drawn);
        for (int epoch = 0; epoch < 5; epoch++)
        {
            var before = zero.Clone();
            var result = SparseEvolution.EvolveLayer(zero, 0, 0.3, seed: 3, epoch);
            SparseEvolution.EvolveLayer(drawn, 0, 0.3, seed: 3, epoch);
            zero.Validate($"epoch {epoch}");
            Assert.Equal(before.Connections, zero.Connections);
            var old = Entries(before);
            int atZero = 0;
            for (int i = 0; i < zero.Inputs; i++)
                for (int k = zero.Pattern.Offsets[i]; k < zero.Pattern.Offsets[i + 1]; k++)
                    if (!old.ContainsKey((long)i * zero.Outputs + zero.Pattern.Columns[k]))
                    {
                        Assert.Equal(0f, zero.Weights[k]);
                        atZero++;
                    }
            Assert.True(atZero > 0 && atZero <= result.Added, $"epoch {epoch}: {atZero} new positions, {result.Added} regrown");
        }
        Assert.True(MeanMagnitude(zero) <= start, $"zero regrowth: mean |w| {start:F4} → {MeanMagnitude(zero):F4}");
        Assert.True(MeanMagnitude(drawn) > 1.1 * start, $"drawn regrowth: mean |w| {start:F4} → {MeanMagnitude(drawn):F4}");
    }

    static double MeanMagnitude(SparseLayer layer) => layer.Weights.Average(w => Math.Abs((double)w));

    [Fact]
    public void Same_seed_same_topology_and_other_epoch_other_topology()
    {
        var a = TestLayers.Random(200, 100, 0.05, seed: 1);
        var b = a.Clone();
        var c = a.Clone();
        SparseEvolution.EvolveLayer(a, 0, 0.3, seed: 5, epoch: 0);
        SparseEvolution.EvolveLayer(b, 0, 0.3, seed: 5, epoch: 0);
        SparseEvolution.EvolveLayer(c, 0, 0.3, seed: 5, epoch: 1);
        Assert.Equal(a.Pattern.Columns, b.Pattern.Columns);
        Assert.Equal(a.Weights, b.Weights);
        Assert.NotEqual(a.Pattern.Columns, c.Pattern.Columns);
    }

    [Fact]
    public void Repeated_evolution_keeps_nnz_exact_every_time()
    {
        var layer = TestLayers.Random(120, 80, 0.08, seed: 2);
        int nnz = layer.Connections;
        for (int epoch = 0; epoch < 20; epoch++)
        {
            SparseEvolution.EvolveLayer(layer, 0, 0.3, seed: 3, epoch);
            layer.Validate($"epoch {epoch}");
            Assert.Equal(nnz, layer.Connections);
        }
    }

    static Dictionary<long, int> Entries(SparseLayer layer)
    {
        var map = new Dictionary<long, int>();
        for (int i = 0; i < layer.Inputs; i++)
            for (int k = layer.Pattern.Offsets[i]; k < layer.Pattern.Offsets[i + 1]; k++)
                map[(long)i * layer.Outputs + layer.Pattern.Columns[k]] = k;
        return map;
    }
}
