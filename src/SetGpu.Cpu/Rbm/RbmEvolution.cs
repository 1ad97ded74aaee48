using SetGpu.Evolution;
using SetGpu.Model;
using SetGpu.Sparse;

namespace SetGpu.Rbm;

/// <summary>
/// SET's evolution step on an RBM's visible–hidden layer: the same sign-separated pruning and random regrowth as
/// every SET-MLP layer (<see cref="SparseEvolution"/>, streams keyed by layer 0 and the epoch), so nnz is exact and
/// regrown weights take the RBM's initialiser. Without regrowth (the reference's last epoch) the survivors are
/// compacted and the layer keeps fewer connections.
/// </summary>
public static class RbmEvolution
{
    /// <summary>Evolves the layer in place; returns what it did.</summary>
    public static LayerEvolution Evolve(SparseLayer weights, ulong seed, int epoch, double zeta, bool regrow)
    {
        if (!(zeta >= 0 && zeta < 1)) throw new ArgumentException($"zeta must lie in [0, 1), got {zeta}");
        return regrow ? SparseEvolution.EvolveLayer(weights, 0, zeta, seed, epoch) : Prune(weights, zeta);
    }

    /// <summary>Removes the connections an evolution step would prune and regrows none.</summary>
    public static LayerEvolution Prune(SparseLayer layer, double zeta)
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
        var velocity = new float[columns.Length];
        int w = 0;
        for (int k = 0; k < nnz; k++)
        {
            if (removed[k] != 0) continue;
            columns[w] = old.Columns[k];
            weights[w] = layer.Weights[k];
            velocity[w++] = layer.WeightVelocity[k];
        }
        layer.ReplaceConnections(new CsrPattern(offsets, columns), weights, velocity);
        return new LayerEvolution(0, prune, 0, layer.Connections);
    }
}
