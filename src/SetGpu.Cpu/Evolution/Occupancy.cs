using SetGpu.Sparse;

namespace SetGpu.Evolution;

/// <summary>
/// The positions of a layer that are taken while new connections are chosen: a CSR pattern, less the entries
/// marked in <see cref="Removed"/> (pruned in this evolution step, so free to come back).
/// </summary>
public readonly struct Occupancy
{
    /// <summary>Occupancy by every position of <paramref name="pattern"/> except those with Removed[k] != 0.</summary>
    public Occupancy(CsrPattern pattern, byte[]? removed, long count)
    {
        Pattern = pattern;
        Removed = removed;
        Count = count;
    }

    /// <summary>The pattern the positions come from.</summary>
    public CsrPattern Pattern { get; }
    /// <summary>Per entry of <see cref="Pattern"/>: non-zero if that entry no longer counts as taken; null if all count.</summary>
    public byte[]? Removed { get; }
    /// <summary>Number of taken positions.</summary>
    public long Count { get; }

    /// <summary>No position taken, in a layer of <paramref name="rows"/> rows.</summary>
    public static Occupancy None(int rows) => new(CsrPattern.Empty(rows), null, 0);

    /// <summary>Whether (row, column) is taken.</summary>
    public bool IsTaken(int row, int column)
    {
        int k = Pattern.Find(row, column);
        return k >= 0 && (Removed is null || Removed[k] == 0);
    }

    /// <summary>Number of taken positions in one row.</summary>
    public int TakenInRow(int row)
    {
        int start = Pattern.Offsets[row], end = Pattern.Offsets[row + 1];
        if (Removed is null) return end - start;
        int taken = 0;
        for (int k = start; k < end; k++) taken += Removed[k] == 0 ? 1 : 0;
        return taken;
    }
}
