using SetGpu.Model;

namespace SetGpu.Evolution.Wast;

/// <summary>
/// WAST's drop: SET's pruning rule (floor(ζ·n₋) negatives and floor(ζ·n₊) positives, thresholds per sign on the 31-bit
/// magnitude key, ties to the lower CSR index: exactly <see cref="Pruning.MarkRemovals"/>'s choice) applied to the weights
/// scaled by the importance of their endpoints, s = w · I(row) · I(column), so that a connection of an unimportant neuron
/// goes before a larger one of an important neuron. Importances are non-negative, so s keeps the sign of w (−0 for a
/// negative weight of importance 0).
/// </summary>
public static class ImportancePruning
{
    /// <summary>
    /// Marks <c>removed[k] = 1</c> for every dropped connection of <paramref name="layer"/> (0 elsewhere);
    /// <paramref name="scaled"/> is scratch of the layer's connection count. A null importance counts 1 for every neuron.
    /// </summary>
    public static PruneResult MarkRemovals(SparseLayer layer, float[]? rowImportance, float[]? columnImportance, double zeta,
                                           float[] scaled, byte[] removed)
    {
        var pattern = layer.Pattern;
        var weights = layer.Weights;
        if (scaled.Length != weights.Length || removed.Length != weights.Length)
            throw new ArgumentException("the scratch and the removed mask must match the layer's connections");
        for (int row = 0; row < layer.Inputs; row++)
        {
            float rowScale = rowImportance?[row] ?? 1f;
            for (int k = pattern.Offsets[row]; k < pattern.Offsets[row + 1]; k++)
                scaled[k] = weights[k] * rowScale * (columnImportance?[pattern.Columns[k]] ?? 1f);
        }
        return Pruning.MarkRemovals(scaled, zeta, removed);
    }
}
