using SetGpu.Model;
using SetGpu.Sparse;

namespace SetGpu.Evolution;

/// <summary>
/// The third stage of SET's evolution step on the host (<see cref="SparseEvolution"/>): the CSR arrays rebuilt by a
/// per-row merge of the survivors and the regrown positions, O(nnz). The reference the device rebuild
/// (DeviceRebuild) is checked against; the incoming index of the result is <see cref="IncomingIndex.Build"/>.
/// A big layer's arrays are merged each on its own walk (weights, then each optimiser state array, then the columns,
/// which every walk reads), so that <see cref="MergeInPlace"/> holds one new array beside the layer at a time: 4 bytes
/// per connection of the layer rather than 12 or more. A small one's are merged in one walk (MergeInOneWalk), where
/// the memory does not matter and one pass is faster.
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
        var offsets = NewOffsets(layer.Pattern, removed, grown);
        var weights = MergeValues(layer, removed, grown, offsets, layer.Weights, weightKey);
        var state = layer.WeightState.Select(s => MergeValues(layer, removed, grown, offsets, s, weightKey: null)).ToArray();
        return (new CsrPattern(offsets, MergeColumns(layer.Pattern, removed, grown, offsets)), weights, state);
    }

    /// <summary>
    /// The same arrays as <see cref="Merge"/>, put into the layer one at a time as each is made, so that each old array
    /// can go before the next new one is allocated. The layer must keep its connection count (the regrown count equals
    /// the removed count). <paramref name="release"/> runs after each replacement (a garbage collection for big layers).
    /// </summary>
    public static void MergeInPlace(SparseLayer layer, byte[] removed, CsrPattern grown, ulong weightKey, Action release)
    {
        var old = layer.Pattern;
        var offsets = NewOffsets(old, removed, grown);
        if (offsets[^1] != old.Count)
            throw new ArgumentException($"an in-place rebuild keeps the connection count: {old.Count} before, {offsets[^1]} after");
        if (old.Count < ParallelConnections)
        {
            MergeInOneWalk(layer, removed, grown, offsets, weightKey);
            return;
        }
        layer.ReplaceValues(-1, MergeValues(layer, removed, grown, offsets, layer.Weights, weightKey));
        release();
        for (int s = 0; s < layer.StateArrays; s++)
        {
            layer.ReplaceValues(s, MergeValues(layer, removed, grown, offsets, layer.WeightState[s], weightKey: null));
            release();
        }
        var columns = MergeColumns(old, removed, grown, offsets);
        layer.ReplaceConnections(new CsrPattern(offsets, columns), layer.Weights, layer.WeightState);
    }

    /// <summary>
    /// Every array merged in a single walk, for a layer under <see cref="ParallelConnections"/>: its new arrays fit beside
    /// the old ones, and the walk's data-dependent branch per connection (dropped or kept, kept or new next) is paid once
    /// rather than once per array (WAST rebuilds such layers after every batch). Values as <see cref="MergeValues"/> and
    /// <see cref="MergeColumns"/> give.
    /// </summary>
    static void MergeInOneWalk(SparseLayer layer, byte[] removed, CsrPattern grown, int[] offsets, ulong weightKey)
    {
        var old = layer.Pattern;
        int count = offsets[^1];
        var columns = new int[count];
        var weights = new float[count];
        var state = new float[layer.StateArrays][];
        for (int s = 0; s < state.Length; s++) state[s] = new float[count];
        var (oldWeights, oldState, init) = (layer.Weights, layer.WeightState, layer.Init);
        long outputs = layer.Outputs;
        for (int r = 0; r < old.Rows; r++)
        {
            int i = old.Offsets[r], iEnd = old.Offsets[r + 1], j = grown.Offsets[r], jEnd = grown.Offsets[r + 1];
            int w = offsets[r];
            while (true)
            {
                while (i < iEnd && removed[i] != 0) i++;
                if (i < iEnd && (j >= jEnd || old.Columns[i] < grown.Columns[j]))
                {
                    columns[w] = old.Columns[i];
                    weights[w] = oldWeights[i];
                    for (int s = 0; s < state.Length; s++) state[s][w] = oldState[s][i];
                    i++;
                    w++;
                }
                else if (j < jEnd)
                {
                    int c = grown.Columns[j++];
                    columns[w] = c;
                    weights[w++] = init.Value(weightKey, r * outputs + c); // zero state: the arrays start at 0
                }
                else break;
            }
        }
        layer.ReplaceConnections(new CsrPattern(offsets, columns), weights, state);
    }

    /// <summary>Row offsets after the step: each row's survivors plus its regrown positions.</summary>
    static int[] NewOffsets(CsrPattern old, byte[] removed, CsrPattern grown)
    {
        var counts = new int[old.Rows];
        ForRows(old, r =>
        {
            int survivors = 0;
            for (int k = old.Offsets[r]; k < old.Offsets[r + 1]; k++) survivors += removed[k] == 0 ? 1 : 0;
            counts[r] = survivors + grown.Offsets[r + 1] - grown.Offsets[r];
        });
        return CsrPattern.OffsetsFromCounts(counts);
    }

    /// <summary>
    /// One value array merged: survivors keep <paramref name="source"/>'s value; a regrown connection gets the
    /// layer's initialiser value under <paramref name="weightKey"/>, or 0 (optimiser state) when it is null.
    /// </summary>
    static float[] MergeValues(SparseLayer layer, byte[] removed, CsrPattern grown, int[] offsets, float[] source, ulong? weightKey)
    {
        var old = layer.Pattern;
        var target = new float[offsets[^1]];
        var init = layer.Init;
        long outputs = layer.Outputs;
        ForRows(old, r =>
        {
            int i = old.Offsets[r], iEnd = old.Offsets[r + 1], j = grown.Offsets[r], jEnd = grown.Offsets[r + 1];
            int w = offsets[r];
            while (true)
            {
                while (i < iEnd && removed[i] != 0) i++;
                if (i < iEnd && (j >= jEnd || old.Columns[i] < grown.Columns[j])) target[w++] = source[i++];
                else if (j < jEnd)
                {
                    int c = grown.Columns[j++];
                    target[w++] = weightKey is { } key ? init.Value(key, r * outputs + c) : 0f;
                }
                else break;
            }
        });
        return target;
    }

    /// <summary>The column array merged: survivors and regrown positions, ascending within each row.</summary>
    static int[] MergeColumns(CsrPattern old, byte[] removed, CsrPattern grown, int[] offsets)
    {
        var columns = new int[offsets[^1]];
        ForRows(old, r =>
        {
            int i = old.Offsets[r], iEnd = old.Offsets[r + 1], j = grown.Offsets[r], jEnd = grown.Offsets[r + 1];
            int w = offsets[r];
            while (true)
            {
                while (i < iEnd && removed[i] != 0) i++;
                if (i < iEnd && (j >= jEnd || old.Columns[i] < grown.Columns[j])) columns[w++] = old.Columns[i++];
                else if (j < jEnd) columns[w++] = grown.Columns[j++];
                else break;
            }
        });
        return columns;
    }

    /// <summary>Connections below which a merge runs on the calling thread: a copy per connection costs less than
    /// Parallel.For's hand-off there (WAST rebuilds such layers after every batch). Rows are independent, so the result
    /// is the same either way.</summary>
    const int ParallelConnections = 1 << 18;

    /// <summary>Runs <paramref name="body"/> for every row of <paramref name="old"/>, in parallel for large layers.</summary>
    static void ForRows(CsrPattern old, Action<int> body)
    {
        if (old.Count < ParallelConnections)
            for (int r = 0; r < old.Rows; r++) body(r);
        else Parallel.For(0, old.Rows, body);
    }
}
