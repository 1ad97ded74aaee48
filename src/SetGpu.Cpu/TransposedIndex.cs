using SetGpu.Sparse;

namespace SetGpu.Cpu;

/// <summary>
/// The layer's connections grouped by input neuron, for the backward pass: input i's outgoing connections are
/// <c>[Offsets[i], Offsets[i+1])</c>, each with its output neuron and the index of its weight in the CSR arrays.
/// Each thread then owns one input neuron's delta: no locks, no atomics. Rebuilt after every evolution.
/// </summary>
internal sealed class TransposedIndex
{
    TransposedIndex(int[] offsets, int[] outputs, int[] weightIndex)
    {
        Offsets = offsets;
        Outputs = outputs;
        WeightIndex = weightIndex;
    }

    /// <summary>Per input neuron, where its outgoing connections start (length inputs + 1).</summary>
    public int[] Offsets { get; }
    /// <summary>Output neuron of each outgoing connection, ascending within an input neuron.</summary>
    public int[] Outputs { get; }
    /// <summary>Index of each outgoing connection's weight in the CSR arrays (the permutation map).</summary>
    public int[] WeightIndex { get; }

    /// <summary>Counting sort of the CSR entries by column: O(nnz + inputs).</summary>
    public static TransposedIndex Build(CsrPattern pattern, int inputs)
    {
        var counts = new int[inputs];
        foreach (int c in pattern.Columns) counts[c]++;
        var offsets = CsrPattern.OffsetsFromCounts(counts);
        var fill = (int[])offsets.Clone();
        var outputs = new int[pattern.Count];
        var weightIndex = new int[pattern.Count];
        for (int row = 0; row < pattern.Rows; row++)
            for (int k = pattern.Offsets[row]; k < pattern.Offsets[row + 1]; k++)
            {
                int slot = fill[pattern.Columns[k]]++;
                outputs[slot] = row;
                weightIndex[slot] = k;
            }
        return new TransposedIndex(offsets, outputs, weightIndex);
    }
}
