using ILGPU;
using SetGpu.Model;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// The rows of the layer after the step, and the row of each new entry (input of the incoming index). The optimiser's
/// state: <see cref="States"/> arrays (1 or 2; with 1, <see cref="Velocity2"/> is never written).
/// </summary>
internal struct TargetRows
{
    public ArrayView<int> Offsets;
    public ArrayView<int> Columns;
    public ArrayView<float> Weights;
    public ArrayView<float> Velocity;
    public ArrayView<float> Velocity2;
    public int States;
    /// <summary>The row (input neuron) of each new entry.</summary>
    public ArrayView<int> Rows;
}

/// <summary>How regrown weights get their values: <see cref="WeightInit.Value(WeightInitKind, float, ulong, long)"/>.</summary>
internal struct RegrowthInit
{
    public int Kind;
    public float Scale;
    public ulong Key;
}

/// <summary>
/// CSR rebuild, the third stage of SET's evolution step on the device (launched by <see cref="DeviceRebuild"/>): the
/// new row lengths, then a per-row merge of the survivors (weight and optimiser state kept) with the accepted positions
/// (initialiser value, zero state). CPU twin: <see cref="SetGpu.Evolution.CsrRebuild"/>.
/// </summary>
internal static class CsrRebuildKernels
{
    /// <summary>New row lengths: survivors plus the accepted positions in the row; 0 in the extra slot [rows].</summary>
    public static void NewRowCounts(ArrayView<int> survivors, int rows, int columns, ArrayView<long> accepted, int count,
                                    ArrayView<int> counts)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int r = Grid.GlobalLinearIndex; r <= rows; r += stride)
        {
            if (r == rows)
            {
                counts[r] = 0;
                continue;
            }
            long rowStart = (long)r * columns;
            counts[r] = survivors[r] + SortedPositions.LowerBound(accepted, count, rowStart + columns) - SortedPositions.LowerBound(accepted, count, rowStart);
        }
    }

    /// <summary>
    /// Per row: merges the survivors (weight and optimiser state kept) with the row's accepted positions (initialiser
    /// value, zero state) into the new CSR arrays, and writes the row of every new entry.
    /// </summary>
    public static void MergeRows(SourceRows old, TargetRows target, int rows, int columns, ArrayView<long> accepted,
                                 int count, RegrowthInit init)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int r = Grid.GlobalLinearIndex; r < rows; r += stride)
        {
            long rowStart = (long)r * columns;
            int i = old.Offsets[r], iEnd = old.Offsets[r + 1];
            int j = SortedPositions.LowerBound(accepted, count, rowStart), jEnd = SortedPositions.LowerBound(accepted, count, rowStart + columns);
            // A counted loop (one iteration per new entry of the row) rather than while (true) with breaks: PoCL's
            // kernel compiler crashed the process on the unstructured version.
            int wEnd = target.Offsets[r + 1];
            for (int w = target.Offsets[r]; w < wEnd; w++)
            {
                while (i < iEnd && old.Removed[i] != 0) i++;
                int column;
                if (i < iEnd && (j >= jEnd || old.Columns[i] < accepted[j] - rowStart))
                {
                    column = old.Columns[i];
                    target.Weights[w] = old.Weights[i];
                    target.Velocity[w] = old.Velocity[i];
                    if (target.States > 1) target.Velocity2[w] = old.Velocity2[i];
                    i++;
                }
                else
                {
                    long p = accepted[j++];
                    column = (int)(p - rowStart);
                    target.Weights[w] = WeightInit.Value((WeightInitKind)init.Kind, init.Scale, init.Key, p);
                    target.Velocity[w] = 0f;
                    if (target.States > 1) target.Velocity2[w] = 0f;
                }
                target.Columns[w] = column;
                target.Rows[w] = r;
            }
        }
    }
}
