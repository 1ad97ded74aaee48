using SetGpu.Model;
using SetGpu.Rng;

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
/// Survivors keep weight and momentum; new connections get initialiser values and zero momentum. O(nnz) work plus the
/// regrowth's O(R log(R / rows)); nothing is densified. This is the reference the ILGPU kernels are checked against.
/// </summary>
public static class SparseEvolution
{
    /// <summary>Evolves one layer in place. <paramref name="epoch"/> keys the random streams.</summary>
    public static LayerEvolution EvolveLayer(SparseLayer layer, int layerIndex, double zeta, ulong seed, int epoch)
    {
        int nnz = layer.Connections;
        var removed = new byte[nnz];
        var prune = Pruning.MarkRemovals(layer.Weights, zeta, removed);
        var taken = new Occupancy(layer.Pattern, removed, nnz - prune.Removed);
        var grown = Regrowth.SelectEmpty(layer.Inputs, layer.Outputs, taken, prune.Removed,
            CounterRng.Key(seed, RngStream.Regrowth, layerIndex, epoch));
        if (nnz >= 1 << 20) GC.Collect(); // the regrowth's candidate arrays (about 5 bytes a connection) go before the rebuild allocates
        var (pattern, weights, velocity) = CsrRebuild.Merge(layer, removed, grown,
            CounterRng.Key(seed, RngStream.RegrowthWeights, layerIndex, epoch));
        layer.ReplaceConnections(pattern, weights, velocity);
        return new LayerEvolution(layerIndex, prune, grown.Count, layer.Connections);
    }
}
