using SetGpu.Rng;
using SetGpu.Sparse;

namespace SetGpu.Evolution.Wast;

/// <summary>
/// WAST's growth, truly sparse: the <c>count</c> empty positions of a layer with the highest product of the endpoint
/// importances. In WAST one endpoint of every layer is a hidden neuron, and hidden neurons all count 1, so the product is
/// the importance of the other endpoint (the input neuron of layer 1, the output neuron of layer 2): the growth takes
/// that side's neurons by decreasing importance (equal ones in an order drawn from the step's key) and, for each, its
/// empty positions in a random order of the hidden side (a permutation drawn from the key), until <c>count</c> are
/// accepted. An input row is checked against the taken positions by marking its sorted CSR row once; the output
/// columns the walk will visit (known from their free counts) by marking their taken rows in one pass over the layer. A neuron whose positions are all taken is skipped unscored,
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
    /// The walk of <see cref="SelectTop"/> without the taken positions, for an engine that looks those up itself (the ILGPU
    /// engine's kernels): the order of the importance side and of the other side, and per neuron of the importance side
    /// how many positions it takes (all its <paramref name="free"/> ones until <paramref name="count"/> are placed, 0 for a
    /// neuron the walk does not reach). The same orders, from the same key, as <see cref="SelectTop"/>.
    /// </summary>
    internal static (int[] ImportanceOrder, int[] OtherOrder, int[] Takes) Plan(int rows, int columns, int[] free, long count,
                                                                            float[]? importance, bool onRows, ulong key)
    {
        int n = onRows ? rows : columns;
        if (free.Length != n) throw new ArgumentException($"{free.Length} free counts for {n} {(onRows ? "rows" : "columns")}");
        var order = onRows ? Order(rows, importance, key, 0) : Order(columns, importance, key, 1L << 32);
        var other = onRows ? Order(columns, null, key, 1L << 32) : Order(rows, null, key, 0);
        var takes = new int[n];
        long left = count;
        for (int i = 0; i < n && left > 0; i++)
        {
            int neuron = order[i], take = (int)Math.Min(free[neuron], left);
            takes[neuron] = take;
            left -= take;
        }
        if (left > 0) throw new ArgumentOutOfRangeException(nameof(count), $"cannot place {count} connections: only {count - left} positions are empty");
        return (order, other, takes);
    }

    /// <summary>An accepted position: row in the high half, column in the low (no division to take it apart).</summary>
    static long Position(int row, int column) => ((long)row << 32) | (uint)column;

    /// <summary>
    /// The accepted positions (unique, in the order found) as a CSR pattern: bucketed by row, then each row's columns put
    /// in order, by a scan of a column mark where the row is dense and a sort where it is sparse. The same pattern as
    /// sorting all positions at once, at a fraction of the cost (that sort was most of the growth's time).
    /// </summary>
    static CsrPattern ToCsr(int rows, int columns, long[] accepted)
    {
        var counts = new int[rows];
        foreach (long p in accepted) counts[p >> 32]++;
        var offsets = CsrPattern.OffsetsFromCounts(counts);
        var fill = (int[])offsets.Clone();
        var result = new int[accepted.Length];
        foreach (long p in accepted) result[fill[p >> 32]++] = (int)p;
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
                accepted[found++] = Position(row, column);
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
        var removed = taken.Removed;
        for (int k = 0; k < pattern.Count; k++)
            if (removed is null || removed[k] == 0) takenInColumn[pattern.Columns[k]]++;
        // The walk visits a prefix of the column order: each column it visits yields all its free positions until the
        // count is placed. Their taken rows, marked in one pass over the connections, replace a binary search per row
        // tried. The marks cost (visited columns) × rows ≤ count + rows + nnz: never the whole matrix.
        int visited = 0;
        for (long free = 0; visited < columns && free < count; visited++) free += rows - takenInColumn[columnOrder[visited]];
        var slot = new int[columns]; // slot[c] = 1 + c's place among the visited columns, 0 when it is not visited
        for (int j = 0; j < visited; j++) slot[columnOrder[j]] = j + 1;
        var isTaken = new bool[(long)visited * rows]; // [place, row]
        for (int row = 0; row < rows; row++)
            for (int k = pattern.Offsets[row]; k < pattern.Offsets[row + 1]; k++)
                if (slot[pattern.Columns[k]] is > 0 and var s && (removed is null || removed[k] == 0)) isTaken[(long)(s - 1) * rows + row] = true;
        long found = 0, scored = 0;
        for (int j = 0; j < columns && found < count; j++)
        {
            int column = columnOrder[j], free = rows - takenInColumn[column];
            for (int i = 0; i < rows && free > 0 && found < count; i++)
            {
                int row = rowOrder[i];
                scored++;
                if (isTaken[(long)j * rows + row]) continue;
                accepted[found++] = Position(row, column);
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
