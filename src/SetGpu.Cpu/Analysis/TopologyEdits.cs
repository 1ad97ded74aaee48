using SetGpu.Sparse;

namespace SetGpu.Analysis;

/// <summary>
/// Known changes to a stack of layers, whose topology distance is known or bounded: the tests' and the benchmark's
/// subjects. Renaming hidden neurons leaves the distance at 0; moving a fraction of the connections raises it.
/// </summary>
internal static class TopologyEdits
{
    /// <summary>
    /// The same network with its hidden neurons renamed: hidden neuron h of layer l's outputs becomes
    /// <c>permutations[l][h]</c>, in layer l's columns and layer l+1's rows alike (the last layer's outputs stay).
    /// </summary>
    public static LayerTopology[] PermuteHidden(IReadOnlyList<LayerTopology> layers, Random random)
    {
        var result = new LayerTopology[layers.Count];
        int[] rowName = Enumerable.Range(0, layers[0].Inputs).ToArray();
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            bool last = l == layers.Count - 1;
            var columnName = Enumerable.Range(0, layer.Outputs).ToArray();
            if (!last) random.Shuffle(columnName);
            result[l] = layer with { Pattern = Build(layer, Positions(layer).Select(p => (rowName[p.Row], columnName[p.Column]))) };
            rowName = columnName;
        }
        return result;
    }

    /// <summary>
    /// The same network with <paramref name="fraction"/> of each layer's connections moved to random empty positions
    /// (the count of connections stays), as SET's evolution does.
    /// </summary>
    public static LayerTopology[] Rewire(IReadOnlyList<LayerTopology> layers, double fraction, Random random)
    {
        return layers.Select(layer =>
        {
            var positions = Positions(layer).ToList();
            var present = positions.Select(p => Key(layer, p.Row, p.Column)).ToHashSet();
            int moved = (int)Math.Round(fraction * positions.Count);
            var order = positions.ToArray();
            random.Shuffle(order);
            foreach (var (row, column) in order.Take(moved)) present.Remove(Key(layer, row, column));
            for (int added = 0; added < moved;)
                if (present.Add(Key(layer, random.Next(layer.Inputs), random.Next(layer.Outputs)))) added++;
            return layer with { Pattern = Build(layer, present.Select(k => ((int)(k / layer.Outputs), (int)(k % layer.Outputs)))) };
        }).ToArray();
    }

    static long Key(LayerTopology layer, int row, int column) => (long)row * layer.Outputs + column;

    static IEnumerable<(int Row, int Column)> Positions(LayerTopology layer)
    {
        for (int r = 0; r < layer.Inputs; r++)
            for (int k = layer.Pattern.Offsets[r]; k < layer.Pattern.Offsets[r + 1]; k++)
                yield return (r, layer.Pattern.Columns[k]);
    }

    /// <summary>A CSR pattern of <paramref name="layer"/>'s shape holding <paramref name="positions"/> (distinct).</summary>
    static CsrPattern Build(LayerTopology layer, IEnumerable<(int Row, int Column)> positions)
    {
        var sorted = positions.OrderBy(p => p.Row).ThenBy(p => p.Column).ToArray();
        var counts = new int[layer.Inputs];
        foreach (var (row, _) in sorted) counts[row]++;
        var pattern = new CsrPattern(CsrPattern.OffsetsFromCounts(counts), sorted.Select(p => p.Column).ToArray());
        pattern.Validate(layer.Outputs);
        return pattern;
    }
}
