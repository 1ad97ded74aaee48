using SetGpu.Model;
using SetGpu.Sparse;

namespace SetGpu.Evolution;

/// <summary>
/// The third stage of SET's evolution step on the host (<see cref="SparseEvolution"/>): the CSR arrays rebuilt by a
/// per-row merge of the survivors and the regrown positions, O(nnz). The reference the device rebuild
/// (DeviceRebuild) is checked against; the incoming index of the result is <see cref="IncomingIndex.Build"/>.
/// </summary>
internal static class CsrRebuild
{
    /// <summary>
    /// The layer's new CSR arrays: its connections not marked in <paramref name="removed"/> (weight and every optimiser
    /// state array kept) merged row by row with <paramref name="grown"/> (values from the layer's initialiser under
    /// <paramref name="weightKey"/>, zero state). The layer itself is not changed.
    /// </summary>
    public static (CsrPattern Pattern, float[] Weights, float[][] State) Merge(SparseLayer layer, byte[] removed, CsrPattern grown,
                                                                            ulong weightKey)
    {
        var old = layer.Pattern;
        int rows = layer.Inputs;
        var counts = new int[rows];
        Parallel.For(0, rows, r =>
        {
            int survivors = 0;
            for (int k = old.Offsets[r]; k < old.Offsets[r + 1]; k++) survivors += removed[k] == 0 ? 1 : 0;
            counts[r] = survivors + grown.Offsets[r + 1] - grown.Offsets[r];
        });
        var offsets = CsrPattern.OffsetsFromCounts(counts);
        var columns = new int[offsets[^1]];
        var weights = new float[columns.Length];
        var state = layer.WeightState.Select(_ => new float[columns.Length]).ToArray();
        float[] oldWeights = layer.Weights;
        float[][] oldState = layer.WeightState;
        var init = layer.Init;
        long outputs = layer.Outputs;
        // SGD keeps one state array, Adam two: named here so that the merge loop copies them without indexing the
        // jagged array per connection (that cost the evolution step 4–8 %).
        float[]? first = state.Length > 0 ? state[0] : null, oldFirst = state.Length > 0 ? oldState[0] : null;
        float[]? second = state.Length > 1 ? state[1] : null, oldSecond = state.Length > 1 ? oldState[1] : null;

        Parallel.For(0, rows, r =>
        {
            int i = old.Offsets[r], iEnd = old.Offsets[r + 1], j = grown.Offsets[r], jEnd = grown.Offsets[r + 1];
            int w = offsets[r];
            while (true)
            {
                while (i < iEnd && removed[i] != 0) i++;
                bool takeOld = i < iEnd && (j >= jEnd || old.Columns[i] < grown.Columns[j]);
                if (takeOld)
                {
                    columns[w] = old.Columns[i];
                    weights[w] = oldWeights[i];
                    if (first is not null)
                    {
                        first[w] = oldFirst![i];
                        if (second is not null) second[w] = oldSecond![i];
                        for (int s = 2; s < state.Length; s++) state[s][w] = oldState[s][i];
                    }
                    w++;
                    i++;
                }
                else if (j < jEnd)
                {
                    int c = grown.Columns[j++];
                    columns[w] = c;
                    weights[w++] = init.Value(weightKey, r * outputs + c); // the state stays 0
                }
                else break;
            }
        });
        return (new CsrPattern(offsets, columns), weights, state);
    }
}
