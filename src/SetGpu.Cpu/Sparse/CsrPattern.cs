namespace SetGpu.Sparse;

/// <summary>
/// The positions of a sparse matrix in compressed sparse row form: row r holds columns
/// <c>Columns[Offsets[r] .. Offsets[r+1])</c>, sorted ascending and unique.
/// </summary>
public readonly record struct CsrPattern(int[] Offsets, int[] Columns)
{
    /// <summary>Number of rows.</summary>
    public int Rows => Offsets.Length - 1;
    /// <summary>Number of stored positions.</summary>
    public int Count => Columns.Length;

    /// <summary>An empty pattern of <paramref name="rows"/> rows.</summary>
    public static CsrPattern Empty(int rows) => new(new int[rows + 1], []);

    /// <summary>Whether (row, column) is stored: binary search in the sorted row.</summary>
    public bool Contains(int row, int column) => Find(row, column) >= 0;

    /// <summary>The index of (row, column) in <see cref="Columns"/>, or −1 if absent (a binary search of the row).</summary>
    public int Find(int row, int column)
    {
        int low = Offsets[row], high = Offsets[row + 1] - 1;
        var columns = Columns;
        while (low <= high)
        {
            int middle = (low + high) >>> 1, c = columns[middle];
            if (c == column) return middle;
            if (c < column) low = middle + 1;
            else high = middle - 1;
        }
        return -1;
    }

    /// <summary>
    /// Checks the CSR invariants: offsets start at 0, never decrease, end at the column count; columns are in
    /// [0, columnCount) and strictly increasing within each row. Throws <see cref="InvalidDataException"/> naming the first violation.
    /// </summary>
    public void Validate(int columnCount, string what = "CSR pattern")
    {
        if (Offsets.Length == 0 || Offsets[0] != 0)
            throw new InvalidDataException($"{what}: offsets must start at 0");
        if (Offsets[^1] != Columns.Length)
            throw new InvalidDataException($"{what}: last offset {Offsets[^1]} != column count {Columns.Length}");
        for (int r = 0; r < Rows; r++)
        {
            int start = Offsets[r], end = Offsets[r + 1];
            if (end < start) throw new InvalidDataException($"{what}: offsets decrease at row {r}");
            // Monotone offsets may still overshoot in the middle and come back to the column count at the end.
            if (end > Columns.Length) throw new InvalidDataException($"{what}: row {r} ends at {end}, past the {Columns.Length} columns");
            for (int k = start; k < end; k++)
            {
                int c = Columns[k];
                if ((uint)c >= (uint)columnCount)
                    throw new InvalidDataException($"{what}: row {r} has column {c}, outside 0..{columnCount - 1}");
                if (k > start && c <= Columns[k - 1])
                    throw new InvalidDataException($"{what}: row {r} columns not sorted and unique ({Columns[k - 1]} then {c})");
            }
        }
    }

    /// <summary>The entries of every row (the inverse of <see cref="OffsetsFromCounts"/>): a layer's connections per input neuron.</summary>
    public static int[] RowLengths(ReadOnlySpan<int> offsets)
    {
        var counts = new int[offsets.Length - 1];
        for (int i = 0; i < counts.Length; i++) counts[i] = offsets[i + 1] - offsets[i];
        return counts;
    }

    /// <summary>Offsets from per-row counts by an exclusive prefix sum.</summary>
    public static int[] OffsetsFromCounts(ReadOnlySpan<int> counts)
    {
        var offsets = new int[counts.Length + 1];
        long total = 0;
        for (int r = 0; r < counts.Length; r++)
        {
            total += counts[r];
            if (total > int.MaxValue) throw new InvalidOperationException("more than 2^31-1 positions in one layer");
            offsets[r + 1] = (int)total;
        }
        return offsets;
    }
}
