using ILGPU;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// WAST's importance-guided evolution on the device (launched by <see cref="DeviceWast"/>): the batch's importance terms,
/// the drop's importance-scaled weights, and the growth (the cut of each visited neuron's walk, then the grown positions
/// row by row in ascending order, for <see cref="DeviceRebuild"/>). CPU twins: <see cref="Evolution.Wast.NeuronImportance"/>,
/// <see cref="Evolution.Wast.ImportancePruning"/> and <see cref="Evolution.Wast.ImportanceRegrowth"/>.
/// </summary>
internal static class WastKernels
{
    /// <summary>
    /// Per feature j of an autoencoder: the batch's mean |x_j − y_j| (blocks feature-major, <paramref name="lanes"/> per
    /// feature), Σ |w| of row j of the first layer, and Σ |w| of column j of the last layer through its incoming index
    /// (rows ascending): <c>terms[j]</c>, <c>terms[features + j]</c>, <c>terms[2 · features + j]</c>, summed in doubles in
    /// the host's order, so that the importance is the host's to the bit.
    /// </summary>
    public static void ImportanceTerms(ArrayView<float> clean, ArrayView<float> reconstruction, int batch, int lanes, int features,
                                       ArrayView<int> firstOffsets, ArrayView<float> firstWeights, ArrayView<int> lastIncomingOffsets,
                                       ArrayView<int> lastWeightIndex, ArrayView<float> lastWeights, ArrayView<double> terms)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int j = Grid.GlobalLinearIndex; j < features; j += stride)
        {
            double error = 0;
            for (int b = 0; b < batch; b++) error += Math.Abs(clean[j * lanes + b] - reconstruction[j * lanes + b]);
            terms[j] = error / batch;
            double row = 0;
            for (int k = firstOffsets[j]; k < firstOffsets[j + 1]; k++) row += Math.Abs(firstWeights[k]);
            terms[features + j] = row;
            double column = 0;
            for (int i = lastIncomingOffsets[j]; i < lastIncomingOffsets[j + 1]; i++) column += Math.Abs(lastWeights[lastWeightIndex[i]]);
            terms[2 * features + j] = column;
        }
    }

    /// <summary>
    /// The drop's keys: <c>scaled[k] = w[k] · I(row) · I(column)</c>, a side whose flag is 0 counting 1 for every neuron
    /// (the host's products, in its order).
    /// </summary>
    public static void ScaleByImportance(ArrayView<int> offsets, ArrayView<int> columns, int rows, ArrayView<float> weights,
                                         ArrayView<float> rowImportance, int byRow, ArrayView<float> columnImportance, int byColumn,
                                         ArrayView<float> scaled)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int row = Grid.GlobalLinearIndex; row < rows; row += stride)
        {
            float rowScale = byRow != 0 ? rowImportance[row] : 1f;
            for (int k = offsets[row]; k < offsets[row + 1]; k++)
                scaled[k] = weights[k] * rowScale * (byColumn != 0 ? columnImportance[columns[k]] : 1f);
        }
    }

    /// <summary>The connections per column that the drop keeps (<paramref name="counts"/> zeroed by the caller).</summary>
    public static void SurvivingColumnCounts(ArrayView<int> columns, ArrayView<byte> removed, int nnz, ArrayView<int> counts)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int k = Grid.GlobalLinearIndex; k < nnz; k += stride)
            if (removed[k] == 0) Atomic.Add(ref counts[columns[k]], 1);
    }

    /// <summary>Whether (row, column) holds a connection the drop keeps: a binary search of the row's sorted columns.</summary>
    static bool Taken(ArrayView<int> offsets, ArrayView<int> columns, ArrayView<byte> removed, int row, int column)
    {
        int lo = offsets[row], hi = offsets[row + 1];
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (columns[mid] < column) lo = mid + 1;
            else hi = mid;
        }
        return lo < offsets[row + 1] && columns[lo] == column && removed[lo] == 0;
    }

    /// <summary>
    /// Per visited neuron v of the importance side (rows when <paramref name="onRows"/> is 1, else columns) with
    /// <c>takes[i] &gt; 0</c>: walks the other side in <paramref name="otherOrder"/> until it has met <c>takes[i]</c> empty
    /// positions, and writes how far it walked to <c>cuts[v]</c> (<paramref name="cuts"/> zeroed by the caller): v grows
    /// exactly the empty positions whose other neuron comes before the cut. Work: the positions the host's walk scores.
    /// </summary>
    public static void GrowthCuts(ArrayView<int> visited, ArrayView<int> takes, int visitedCount, ArrayView<int> otherOrder, int onRows,
                                  ArrayView<int> offsets, ArrayView<int> columns, ArrayView<byte> removed, ArrayView<int> cuts)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalLinearIndex; i < visitedCount; i += stride)
        {
            int neuron = visited[i], need = takes[i], walked = 0;
            while (need > 0)
            {
                int other = otherOrder[walked++];
                bool taken = onRows != 0 ? Taken(offsets, columns, removed, neuron, other) : Taken(offsets, columns, removed, other, neuron);
                if (!taken) need--;
            }
            cuts[neuron] = walked;
        }
    }

    /// <summary>
    /// Per row: the grown positions (row · columns + column) in ascending order. Growing on rows, a row with a cut takes
    /// every empty column whose place in the column order (<paramref name="otherPlace"/>) is before its cut; growing on
    /// columns, every visited column (<paramref name="visitedColumns"/>, ascending) whose cut is past the row's place in
    /// the row order. A launch with <paramref name="write"/> 0 writes each row's count to <c>counts[row]</c>; with 1, the
    /// positions from <c>starts[row]</c> (the exclusive scan of the counts).
    /// </summary>
    public static void GrownPositions(int rows, int totalColumns, int onRows, ArrayView<int> cuts, ArrayView<int> otherPlace,
                                      ArrayView<int> visitedColumns, int visitedCount, ArrayView<int> offsets, ArrayView<int> columns,
                                      ArrayView<byte> removed, int write, ArrayView<int> counts, ArrayView<int> starts, ArrayView<long> grown)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int row = Grid.GlobalLinearIndex; row < rows; row += stride)
        {
            int k = offsets[row], end = offsets[row + 1], found = 0;
            int at = write != 0 ? starts[row] : 0;
            if (onRows != 0)
            {
                int cut = cuts[row];
                for (int column = 0; cut > 0 && column < totalColumns; column++)
                {
                    while (k < end && columns[k] < column) k++;
                    bool taken = k < end && columns[k] == column && removed[k] == 0;
                    if (taken || otherPlace[column] >= cut) continue;
                    if (write != 0) grown[at + found] = (long)row * totalColumns + column;
                    found++;
                }
            }
            else
            {
                int place = otherPlace[row];
                for (int i = 0; i < visitedCount; i++)
                {
                    int column = visitedColumns[i];
                    if (place >= cuts[column]) continue;
                    while (k < end && columns[k] < column) k++;
                    if (k < end && columns[k] == column && removed[k] == 0) continue;
                    if (write != 0) grown[at + found] = (long)row * totalColumns + column;
                    found++;
                }
            }
            if (write == 0) counts[row] = found;
        }
    }
}
