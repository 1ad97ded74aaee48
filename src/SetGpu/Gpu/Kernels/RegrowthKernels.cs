using ILGPU;
using SetGpu.Evolution;
using SetGpu.Rng;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// Regrowth, the second stage of SET's evolution step on the device (launched by <see cref="DeviceRegrowth"/>): the
/// same new positions as <see cref="Regrowth.SelectEmpty"/> (its CPU twin). Sparse mode: candidates bucketed by row,
/// sorted (<see cref="BucketSortKernel"/>), validated against the survivors and the positions already accepted, the
/// first ones in counter order compacted. Dense mode: every empty position hashed, the smallest hashes selected by a
/// radix select driven from the host, compacted in position order.
/// </summary>
internal static class RegrowthKernels
{
    /// <summary>
    /// Sparse-mode candidates [first, first + n): counts them per row of their position
    /// (<paramref name="rowCounts"/> zeroed by the caller, length rows + 1 so its exclusive scan ends with the total).
    /// </summary>
    public static void CandidateRowCounts(ulong rngKey, long first, int n, long positions, int columns, ArrayView<int> rowCounts)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalLinearIndex; i < n; i += stride)
        {
            long p = Regrowth.CandidatePosition(rngKey, first + i, positions);
            Atomic.Add(ref rowCounts[(int)(p / columns)], 1);
        }
    }

    /// <summary>
    /// Scatters candidate i into its row's bucket as (column &lt;&lt; 32 | i); <paramref name="fill"/> starts as the
    /// bucket offsets and is advanced atomically, so the order within a bucket is arbitrary until
    /// <see cref="BucketSortKernel.SortBuckets"/>.
    /// </summary>
    public static void ScatterCandidates(ulong rngKey, long first, int n, long positions, int columns, ArrayView<int> fill,
                                         ArrayView<long> entries)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalLinearIndex; i < n; i += stride)
        {
            long p = Regrowth.CandidatePosition(rngKey, first + i, positions);
            int row = (int)(p / columns);
            int column = (int)(p - (long)row * columns);
            int slot = Atomic.Add(ref fill[row], 1);
            entries[slot] = ((long)column << 32) | (long)(uint)i;
        }
    }

    /// <summary>
    /// Per row, over its candidates sorted by (column, counter): the first entry of each column (the smallest counter
    /// at that position) is valid if the position is empty (not a surviving connection, not accepted by an earlier
    /// chunk); then <paramref name="validByCounter"/>[counter] = 1 (zeroed by the caller). Writes the linear position
    /// of every sorted entry to <paramref name="positions"/>.
    /// </summary>
    public static void ValidateRows(ArrayView<int> rowOffsets, int rows, ArrayView<long> entries, SourceRows old, int columns,
                                    ArrayView<long> accepted, int acceptedCount, ArrayView<int> validByCounter,
                                    ArrayView<long> positions)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int r = Grid.GlobalLinearIndex; r < rows; r += stride)
        {
            int start = rowOffsets[r], end = rowOffsets[r + 1];
            long rowStart = (long)r * columns;
            for (int k = start; k < end; k++)
            {
                long e = entries[k];
                int column = (int)(e >> 32);
                long position = rowStart + column;
                positions[k] = position;
                bool valid = k == start || (int)(entries[k - 1] >> 32) != column;
                if (valid) valid = !IsTaken(old, r, column);
                if (valid && acceptedCount > 0)
                {
                    int at = SortedPositions.LowerBound(accepted, acceptedCount, position);
                    valid = at >= acceptedCount || accepted[at] != position;
                }
                if (valid) validByCounter[(int)(e & 0xFFFF_FFFFL)] = 1;
            }
        }
    }

    /// <summary>
    /// Over the sorted candidates and one extra slot: flags[s] = 1 if the candidate at s is valid and ranks among the
    /// first <paramref name="need"/> valid ones in counter order; flags[n] = 0 (so the scan's last slot is the total).
    /// </summary>
    public static void AcceptSorted(ArrayView<long> entries, ArrayView<int> validByCounter, ArrayView<int> ranks, int n,
                                    int need, ArrayView<int> flags)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int s = Grid.GlobalLinearIndex; s <= n; s += stride)
        {
            int flag = 0;
            if (s < n)
            {
                int c = (int)(entries[s] & 0xFFFF_FFFFL);
                if (validByCounter[c] != 0 && ranks[c] < need) flag = 1;
            }
            flags[s] = flag;
        }
    }

    /// <summary>output[slots[i]] = positions[i] for every flagged i &lt; n (order-preserving compaction).</summary>
    public static void CompactPositions(ArrayView<long> positions, ArrayView<int> flags, ArrayView<int> slots, int n,
                                        ArrayView<long> output)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalLinearIndex; i < n; i += stride)
            if (flags[i] != 0) output[slots[i]] = positions[i];
    }

    /// <summary>Merges two ascending, disjoint position lists: each element lands at its index plus its rank in the other list.</summary>
    public static void MergeSorted(ArrayView<long> a, int na, ArrayView<long> b, int nb, ArrayView<long> output)
    {
        int stride = Grid.DimX * Group.DimX;
        int n = na + nb;
        for (int i = Grid.GlobalLinearIndex; i < n; i += stride)
        {
            if (i < na) output[i + SortedPositions.LowerBound(b, nb, a[i])] = a[i];
            else
            {
                int j = i - na;
                output[j + SortedPositions.LowerBound(a, na, b[j])] = b[j];
            }
        }
    }

    /// <summary>Whether (row, column) holds a connection that survives the pruning: binary search in the old row.</summary>
    static bool IsTaken(SourceRows old, int row, int column)
    {
        // Lower bound, then one test: loops with a single exit (an early return inside the loop crashed PoCL's compiler).
        int lo = old.Offsets[row], end = old.Offsets[row + 1], hi = end;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (old.Columns[mid] < column) lo = mid + 1;
            else hi = mid;
        }
        return lo < end && old.Columns[lo] == column && old.Removed[lo] == 0;
    }

    /// <summary>Empty positions per row (columns − survivors), and 0 in the extra slot [rows].</summary>
    public static void RowEmpties(ArrayView<int> survivors, int rows, int columns, ArrayView<int> empties)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int r = Grid.GlobalLinearIndex; r <= rows; r += stride)
            empties[r] = r < rows ? columns - survivors[r] : 0;
    }

    /// <summary>
    /// Dense mode, per row: enumerates the row's empty positions ascending from <paramref name="emptyOffsets"/>[row],
    /// with hash Hash(key, position).
    /// </summary>
    public static void EnumerateEmpty(SourceRows old, int rows, int columns, ArrayView<int> emptyOffsets, ulong rngKey,
                                      ArrayView<ulong> hashes, ArrayView<long> positions)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int r = Grid.GlobalLinearIndex; r < rows; r += stride)
        {
            int k = old.Offsets[r], end = old.Offsets[r + 1], w = emptyOffsets[r];
            long rowStart = (long)r * columns;
            for (int c = 0; c < columns; c++)
            {
                while (k < end && old.Removed[k] != 0) k++;
                if (k < end && old.Columns[k] == c)
                {
                    k++;
                    continue;
                }
                long p = rowStart + c;
                hashes[w] = CounterRng.Hash(rngKey, (ulong)p);
                positions[w] = p;
                w++;
            }
        }
    }

    /// <summary>Bins per pass of the 64-bit hash select (16-bit digits, four passes).</summary>
    public const int HashBins = 1 << 16;

    /// <summary>
    /// Histogram of the 16-bit digit at <paramref name="shift"/> of the hashes whose bits under
    /// <paramref name="mask"/> equal <paramref name="prefix"/> (<paramref name="histogram"/> zeroed by the caller).
    /// </summary>
    public static void HashHistogram(ArrayView<ulong> hashes, int n, ulong prefix, ulong mask, int shift, ArrayView<int> histogram)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalLinearIndex; i < n; i += stride)
        {
            ulong h = hashes[i];
            if ((h & mask) == prefix) Atomic.Add(ref histogram[(int)((h >> shift) & 0xFFFFUL)], 1);
        }
    }

    /// <summary>flags[i] = 1 where hashes[i] ≤ <paramref name="threshold"/> (i &lt; n), flags[n] = 0.</summary>
    public static void MarkAtMost(ArrayView<ulong> hashes, int n, ulong threshold, ArrayView<int> flags)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalLinearIndex; i <= n; i += stride)
            flags[i] = i < n && hashes[i] <= threshold ? 1 : 0;
    }
}
