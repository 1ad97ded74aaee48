using SetGpu.Model;
using SetGpu.Rng;
using SetGpu.Sparse;

namespace SetGpu.Evolution;

/// <summary>What one evolution step did to one layer.</summary>
/// <param name="Layer">Weight layer index.</param>
/// <param name="Prune">The removal counts and thresholds.</param>
/// <param name="Added">Connections regrown (equals <see cref="PruneResult.Removed"/>).</param>
/// <param name="Connections">Connections after the step (equal to before).</param>
public readonly record struct LayerEvolution(int Layer, PruneResult Prune, long Added, long Connections);

/// <summary>
/// SET's evolution step on a host layer, in three stages: prune (<see cref="Pruning"/>), regrow as many at random
/// empty positions (<see cref="Regrowth"/>), rebuild the CSR arrays by a per-row merge (<see cref="CsrRebuild"/>).
/// Survivors keep their weight and every optimiser state value; new connections get initialiser values and zero state. O(nnz) work plus the
/// regrowth's O(R log(R / rows)); nothing is densified. This is the reference the ILGPU kernels are checked against.
/// </summary>
public static class SparseEvolution
{
    /// <summary>
    /// Evolves one layer in place: prune and regrow, or with <paramref name="regrow"/> false prune only (the layer keeps
    /// fewer connections). <paramref name="epoch"/> keys the random streams.
    /// </summary>
    public static LayerEvolution Evolve(SparseLayer layer, int layerIndex, double zeta, ulong seed, int epoch, bool regrow)
    {
        if (!(zeta >= 0 && zeta < 1)) throw new ArgumentException($"zeta must lie in [0, 1), got {zeta}");
        return regrow ? EvolveLayer(layer, layerIndex, zeta, seed, epoch) : Prune(layer, layerIndex, zeta);
    }

    /// <summary>Evolves one layer in place (prune and regrow). <paramref name="epoch"/> keys the random streams.</summary>
    public static LayerEvolution EvolveLayer(SparseLayer layer, int layerIndex, double zeta, ulong seed, int epoch)
    {
        int nnz = layer.Connections;
        bool big = nnz >= BigLayer;
        var removed = new byte[nnz];
        var prune = Pruning.MarkRemovals(layer.Weights, zeta, removed);
        var taken = new Occupancy(layer.Pattern, removed, nnz - prune.Removed);
        var grown = Regrowth.SelectEmpty(layer.Inputs, layer.Outputs, taken, prune.Removed,
            CounterRng.Key(seed, RngStream.Regrowth, layerIndex, epoch));
        if (big) Release(); // the regrowth's candidate arrays go before the rebuild allocates
        CsrRebuild.MergeInPlace(layer, removed, grown, CounterRng.Key(seed, RngStream.RegrowthWeights, layerIndex, epoch),
                                big ? Release : static () => { });
        return new LayerEvolution(layerIndex, prune, grown.Count, layer.Connections);
    }

    /// <summary>Connections from which a layer's step collects garbage between its stages, so that the memory an old
    /// array held is free before the next new one is allocated (a few milliseconds beside seconds of work).</summary>
    public const int BigLayer = 1 << 20;

    static void Release() => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);

    /// <summary>Removes the connections an evolution step would prune, regrows none, and compacts the survivors.</summary>
    public static LayerEvolution Prune(SparseLayer layer, int layerIndex, double zeta)
    {
        int nnz = layer.Connections;
        var removed = new byte[nnz];
        var prune = Pruning.MarkRemovals(layer.Weights, zeta, removed);
        var old = layer.Pattern;
        var counts = new int[layer.Inputs];
        for (int r = 0; r < layer.Inputs; r++)
            for (int k = old.Offsets[r]; k < old.Offsets[r + 1]; k++) counts[r] += removed[k] == 0 ? 1 : 0;
        var offsets = CsrPattern.OffsetsFromCounts(counts);
        var columns = new int[offsets[^1]];
        var weights = new float[columns.Length];
        var state = layer.WeightState.Select(_ => new float[columns.Length]).ToArray();
        int w = 0;
        for (int k = 0; k < nnz; k++)
        {
            if (removed[k] != 0) continue;
            columns[w] = old.Columns[k];
            weights[w] = layer.Weights[k];
            for (int s = 0; s < state.Length; s++) state[s][w] = layer.WeightState[s][k];
            w++;
        }
        layer.ReplaceConnections(new CsrPattern(offsets, columns), weights, state);
        return new LayerEvolution(layerIndex, prune, 0, layer.Connections);
    }
}
