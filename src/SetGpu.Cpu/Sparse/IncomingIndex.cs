namespace SetGpu.Sparse;

/// <summary>
/// Each output neuron's incoming connections, for the forward gather: output j's connections are
/// <c>[Offsets[j], Offsets[j+1])</c>, each with its input neuron and the index of its weight in the layer's CSR
/// arrays (the permutation map). Rebuilt after every evolution. Every engine builds exactly this order (inputs
/// ascending within an output), so forward sums add their terms in the same order everywhere.
/// </summary>
public sealed class IncomingIndex
{
    IncomingIndex(int[] offsets, int[] inputs, int[] weightIndex)
    {
        Offsets = offsets;
        Inputs = inputs;
        WeightIndex = weightIndex;
    }

    /// <summary>Per output neuron, where its incoming connections start (length outputs + 1).</summary>
    public int[] Offsets { get; }
    /// <summary>Input neuron of each incoming connection, ascending within an output neuron.</summary>
    public int[] Inputs { get; }
    /// <summary>Index of each incoming connection's weight in the CSR arrays.</summary>
    public int[] WeightIndex { get; }

    /// <summary>Counting sort of the CSR entries by column: O(nnz + outputs).</summary>
    public static IncomingIndex Build(CsrPattern pattern, int outputs)
    {
        var counts = new int[outputs];
        foreach (int c in pattern.Columns) counts[c]++;
        var offsets = CsrPattern.OffsetsFromCounts(counts);
        var fill = (int[])offsets.Clone();
        var inputs = new int[pattern.Count];
        var weightIndex = new int[pattern.Count];
        for (int row = 0; row < pattern.Rows; row++)
            for (int k = pattern.Offsets[row]; k < pattern.Offsets[row + 1]; k++)
            {
                int slot = fill[pattern.Columns[k]]++;
                inputs[slot] = row;
                weightIndex[slot] = k;
            }
        return new IncomingIndex(offsets, inputs, weightIndex);
    }
}
