using SetGpu.Rng;
using SetGpu.Sparse;

namespace SetGpu.Evolution.Wast;

/// <summary>
/// WAST's growth, truly sparse: the <c>count</c> empty positions of a layer with the highest product of the endpoint
/// importances. In WAST one endpoint of every layer is a hidden neuron, and hidden neurons all count 1, so the product is
/// the importance of the other endpoint (the input neuron of layer 1, the output neuron of layer 2): the growth takes
/// that side's neurons by decreasing importance (equal ones in an order drawn from the step's key) and, for each, its
/// empty positions in a random order of the hidden side (a permutation drawn from the key), until <c>count</c> are
/// accepted. An input row is checked against the taken positions by marking its sorted CSR row once; an output
/// column by a binary search in each hidden row it tries. A neuron whose positions are all taken is skipped unscored,
/// so it scores at most <c>count</c> + (taken positions it meets) positions: never the rows × columns matrix.
/// </summary>
public static class ImportanceRegrowth
{
    /// <summary>
    /// The new positions as a CSR pattern (rows sorted, unique) disjoint from <paramref name="taken"/>, with the positions
    /// scored. <paramref name="importance"/> is of the rows when <paramref name="onRows"/>, else of the columns; the other
    /// side counts 1 for every neuron (null importance: every neuron of both sides counts 1).
    /// </summary>
    public static (CsrPattern Grown, long Scored) SelectTop(int rows, int columns, Occupancy taken, long count,
                                                          float[]? importance, bool onRows, ulong key)
    {
        long positions = (long)rows * columns;
        if (count < 0 || count > positions - taken.Count)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"cannot place {count} connections: {positions - taken.Count} of {positions} positions are empty");
        if (importance is not null && importance.Length != (onRows ? rows : columns))
            throw new ArgumentException($"{importance.Length} importances for {(onRows ? rows : columns)} {(onRows ? "rows" : "columns")}");
        if (count == 0) return (CsrPattern.Empty(rows), 0);
        var accepted = new long[count];
        var (found, scored) = onRows
            ? ByRows(rows, columns, taken, count, Order(rows, importance, key, 0), Order(columns, null, key, 1L << 32), accepted)
            : ByColumns(rows, columns, taken, count, Order(columns, importance, key, 1L << 32), Order(rows, null, key, 0), accepted);
        if (found != count) throw new InvalidOperationException($"growth placed {found} of {count} connections");
        return (ToCsr(rows, columns, accepted), scored);
    }

    /// <summary>
    /// The accepted positions (unique, in the order found) as a CSR pattern: bucketed by row, then each row's columns put
    /// in order, by a scan of a column mark where the row is dense and a sort where it is sparse. The same pattern as
    /// sorting all positions at once, at a fraction of the cost (that sort was most of the growth's time).
    /// </summary>
    static CsrPattern ToCsr(int rows, int columns, long[] accepted)
    {
        var counts = new int[rows];
        foreach (long p in accepted) counts[p / columns]++;
        var offsets = CsrPattern.OffsetsFromCounts(counts);
        var fill = (int[])offsets.Clone();
        var result = new int[accepted.Length];
        foreach (long p in accepted) result[fill[p / columns]++] = (int)(p % columns);
        bool[]? mark = null;
        for (int row = 0; row < rows; row++)
        {
            int start = offsets[row], length = offsets[row + 1] - start;
            if (length < 2) continue;
            if ((long)length * 16 < columns)
            {
                Array.Sort(result, start, length);
                continue;
            }
            mark ??= new bool[columns];
            for (int k = start; k < start + length; k++) mark[result[k]] = true;
            int w = start;
            for (int c = 0; c < columns; c++)
                if (mark[c])
                {
                    result[w++] = c;
                    mark[c] = false;
                }
        }
        return new CsrPattern(offsets, result);
    }

    /// <summary>Rows by importance; each row's empty columns in <paramref name="columnOrder"/>.</summary>
    static (long Found, long Scored) ByRows(int rows, int columns, Occupancy taken, long count, int[] rowOrder, int[] columnOrder, long[] accepted)
    {
        var mark = new int[columns]; // mark[c] == i + 1: column c is taken in the i-th row visited
        long found = 0, scored = 0;
        for (int i = 0; i < rows && found < count; i++)
        {
            int row = rowOrder[i], free = columns - taken.TakenInRow(row);
            if (free == 0) continue;
            for (int k = taken.Pattern.Offsets[row]; k < taken.Pattern.Offsets[row + 1]; k++)
                if (taken.Removed is null || taken.Removed[k] == 0) mark[taken.Pattern.Columns[k]] = i + 1;
            for (int j = 0; j < columns && free > 0 && found < count; j++)
            {
                int column = columnOrder[j];
                scored++;
                if (mark[column] == i + 1) continue;
                accepted[found++] = (long)row * columns + column;
                free--;
            }
        }
        return (found, scored);
    }

    /// <summary>Columns by importance; each column's empty rows in <paramref name="rowOrder"/>.</summary>
    static (long Found, long Scored) ByColumns(int rows, int columns, Occupancy taken, long count, int[] columnOrder, int[] rowOrder, long[] accepted)
    {
        var takenInColumn = new int[columns];
        var pattern = taken.Pattern;
        for (int k = 0; k < pattern.Count; k++)
            if (taken.Removed is null || taken.Removed[k] == 0) takenInColumn[pattern.Columns[k]]++;
        long found = 0, scored = 0;
        for (int j = 0; j < columns && found < count; j++)
        {
            int column = columnOrder[j], free = rows - takenInColumn[column];
            for (int i = 0; i < rows && free > 0 && found < count; i++)
            {
                int row = rowOrder[i];
                scored++;
                if (taken.IsTaken(row, column)) continue;
                accepted[found++] = (long)row * columns + column;
                free--;
            }
        }
        return (found, scored);
    }

    /// <summary>Indices by decreasing importance, equal ones (all of them when null) in the order of their hash under <paramref name="key"/>.</summary>
    internal static int[] Order(int n, float[]? importance, ulong key, long counterBase)
    {
        var order = new int[n];
        var sortKeys = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            // Importances are non-negative floats, whose bit patterns order as their values: the complement puts the
            // largest first; the low half is the tie-breaking hash.
            ulong high = importance is null ? 0 : ~BitConverter.SingleToUInt32Bits(Math.Max(0f, importance[i]));
            sortKeys[i] = (high << 32) | (CounterRng.Hash(key, (ulong)(counterBase + i)) >> 32);
        }
        Array.Sort(sortKeys, order);
        return order;
    }
}
