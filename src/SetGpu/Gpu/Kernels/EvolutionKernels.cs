using ILGPU;
using SetGpu.Evolution;
using SetGpu.Model;
using SetGpu.Rng;

namespace SetGpu.Gpu.Kernels;

/// <summary>One pass of the radix select: which keys of each sign take part, and which digit is counted.</summary>
internal struct HistogramPass
{
    /// <summary>Negative keys take part when (key &amp; MaskNeg) == PrefixNeg (never when both are all ones).</summary>
    public uint PrefixNeg, MaskNeg, PrefixPos, MaskPos;
    public int Shift;
    public uint DigitMask;
}

/// <summary>The pruning thresholds of both signs and how ties at the threshold are settled.</summary>
internal struct PruneThresholds
{
    public uint NegKey, PosKey;
    /// <summary>Non-zero when that sign removes anything.</summary>
    public int NegActive, PosActive;
    /// <summary>How many keys equal to the threshold go (the lowest CSR indices first).</summary>
    public long NegTies, PosTies;
    /// <summary>Non-zero when the tie ranks (exclusive scan of the tie flags) must be read; zero when every tie goes.</summary>
    public int UseRanks;
}

/// <summary>The rows of the layer before the step: CSR pattern, values and the removal mask.</summary>
internal struct SourceRows
{
    public ArrayView<int> Offsets;
    public ArrayView<int> Columns;
    public ArrayView<byte> Removed;
    public ArrayView<float> Weights;
    public ArrayView<float> Velocity;
}

/// <summary>The rows of the layer after the step, and the row of each new entry (input of the incoming index).</summary>
internal struct TargetRows
{
    public ArrayView<int> Offsets;
    public ArrayView<int> Columns;
    public ArrayView<float> Weights;
    public ArrayView<float> Velocity;
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
/// The kernels of the device-side SET evolution step (see <see cref="DeviceEvolution"/>). All are explicitly grouped
/// grid-stride kernels; only integer atomics; no allocation, exceptions or virtual calls, so that they compile for
/// the CPU accelerator, PTX and OpenCL C alike.
/// </summary>
internal static class EvolutionKernels
{
    /// <summary>Bins per sign of the radix-select histogram (the widest digit has 11 bits).</summary>
    public const int BinsPerSign = 2048;

    /// <summary>
    /// Histogram of one radix digit of the 31-bit magnitude key, negatives in bins [0, 2048), positives in
    /// [2048, 4096), restricted per sign to keys with the prefix chosen so far. Group-local histograms in shared
    /// memory, flushed to <paramref name="histogram"/> (zeroed by the caller) with one atomic per non-empty bin.
    /// </summary>
    public static void MagnitudeHistogram(ArrayView<float> weights, int n, ArrayView<int> histogram, HistogramPass pass)
    {
        var local = SharedMemory.Allocate<int>(2 * BinsPerSign);
        int groupSize = Group.DimX;
        for (int b = Group.IdxX; b < 2 * BinsPerSign; b += groupSize) local[b] = 0;
        Group.Barrier();

        int stride = Grid.DimX * groupSize;
        for (int i = Grid.GlobalLinearIndex; i < n; i += stride)
        {
            uint bits = Interop.FloatAsInt(weights[i]);
            uint key = bits & 0x7FFF_FFFFu;
            int digit = (int)((key >> pass.Shift) & pass.DigitMask);
            if ((bits & 0x8000_0000u) != 0)
            {
                if ((key & pass.MaskNeg) == pass.PrefixNeg) Atomic.Add(ref local[digit], 1);
            }
            else if ((key & pass.MaskPos) == pass.PrefixPos) Atomic.Add(ref local[BinsPerSign + digit], 1);
        }
        Group.Barrier();

        for (int b = Group.IdxX; b < 2 * BinsPerSign; b += groupSize)
        {
            int count = local[b];
            if (count != 0) Atomic.Add(ref histogram[b], count);
        }
    }

    /// <summary>
    /// Tie flags for the rank scan: 1 for a negative weight at the negative threshold, 1 &lt;&lt; 32 for a positive
    /// one at the positive threshold, so one 64-bit exclusive scan gives both tie ranks (low and high halves).
    /// </summary>
    public static void TieFlags(ArrayView<float> weights, int n, ArrayView<long> flags, PruneThresholds t)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalLinearIndex; i < n; i += stride)
        {
            uint bits = Interop.FloatAsInt(weights[i]);
            uint key = bits & 0x7FFF_FFFFu;
            long flag = 0;
            if ((bits & 0x8000_0000u) != 0)
            {
                if (t.NegActive != 0 && key == t.NegKey) flag = 1;
            }
            else if (t.PosActive != 0 && key == t.PosKey) flag = 1L << 32;
            flags[i] = flag;
        }
    }

    /// <summary>Whether a weight with raw bits <paramref name="bits"/> and tie ranks <paramref name="ranks"/> is pruned.</summary>
    static bool IsRemoved(uint bits, long ranks, PruneThresholds t)
    {
        uint key = bits & 0x7FFF_FFFFu;
        if ((bits & 0x8000_0000u) != 0)
        {
            if (t.NegActive == 0) return false;
            if (key < t.NegKey) return true;
            return key == t.NegKey && (t.UseRanks == 0 || (ranks & 0xFFFF_FFFFL) < t.NegTies);
        }
        if (t.PosActive == 0) return false;
        if (key < t.PosKey) return true;
        return key == t.PosKey && (t.UseRanks == 0 || (ranks >> 32) < t.PosTies);
    }

    /// <summary>Per row: marks removed entries (1) and counts the survivors.</summary>
    public static void MarkRemovals(ArrayView<int> rowOffsets, int rows, ArrayView<float> weights, ArrayView<long> ranks,
                                    PruneThresholds t, ArrayView<byte> removed, ArrayView<int> survivors)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int r = Grid.GlobalLinearIndex; r < rows; r += stride)
        {
            int end = rowOffsets[r + 1], kept = 0;
            for (int k = rowOffsets[r]; k < end; k++)
            {
                bool gone = IsRemoved(Interop.FloatAsInt(weights[k]), t.UseRanks != 0 ? ranks[k] : 0, t);
                removed[k] = gone ? (byte)1 : (byte)0;
                kept += gone ? 0 : 1;
            }
            survivors[r] = kept;
        }
    }

    /// <summary>First index in the ascending <paramref name="sorted"/>[0, n) whose value is ≥ <paramref name="x"/>.</summary>
    static int LowerBound(ArrayView<long> sorted, int n, long x)
    {
        int lo = 0, hi = n;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (sorted[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
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
            if (i < na) output[i + LowerBound(b, nb, a[i])] = a[i];
            else
            {
                int j = i - na;
                output[j + LowerBound(a, na, b[j])] = b[j];
            }
        }
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
            counts[r] = survivors[r] + LowerBound(accepted, count, rowStart + columns) - LowerBound(accepted, count, rowStart);
        }
    }

    /// <summary>
    /// Per row: merges the survivors (weight and momentum kept) with the row's accepted positions (initialiser value,
    /// zero momentum) into the new CSR arrays, and writes the row of every new entry.
    /// </summary>
    public static void MergeRows(SourceRows old, TargetRows target, int rows, int columns, ArrayView<long> accepted,
                                 int count, RegrowthInit init)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int r = Grid.GlobalLinearIndex; r < rows; r += stride)
        {
            long rowStart = (long)r * columns;
            int i = old.Offsets[r], iEnd = old.Offsets[r + 1];
            int j = LowerBound(accepted, count, rowStart), jEnd = LowerBound(accepted, count, rowStart + columns);
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
                    i++;
                }
                else
                {
                    long p = accepted[j++];
                    column = (int)(p - rowStart);
                    target.Weights[w] = WeightInit.Value((WeightInitKind)init.Kind, init.Scale, init.Key, p);
                    target.Velocity[w] = 0f;
                }
                target.Columns[w] = column;
                target.Rows[w] = r;
            }
        }
    }

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
    /// <see cref="SortBuckets"/>.
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

    /// <summary>Buckets up to this size are insertion-sorted whatever their order.</summary>
    const int InsertionSortLimit = 32;

    /// <summary>Larger buckets stay with insertion sort while it has moved at most this many entries per entry.</summary>
    const int InsertionMovesPerEntry = 4;

    /// <summary>
    /// One work item per bucket [offsets[b], offsets[b + 1]): sorts its entries ascending in place. Insertion sort
    /// first: small buckets (the usual case: a row's candidates, a column's connections) and nearly sorted ones (a
    /// scatter that ran in order) take O(n). A large bucket whose insertion sort exceeds its budget of moves is
    /// heap-sorted instead (O(n log n) for a skewed layer with few rows or few columns). Deterministic because the
    /// entries of a bucket are distinct.
    /// </summary>
    public static void SortBuckets(ArrayView<int> offsets, int buckets, ArrayView<long> entries)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int b = Grid.GlobalLinearIndex; b < buckets; b += stride)
        {
            int start = offsets[b], end = offsets[b + 1], n = end - start;
            long budget = n <= InsertionSortLimit ? (long)n * n : (long)InsertionMovesPerEntry * n;
            if (!InsertionSort(entries, start, end, budget)) HeapSort(entries, start, n);
        }
    }

    /// <summary>
    /// Insertion sort of a[start, end) that gives up (returning false, the range still a permutation of itself) once
    /// it has moved more than <paramref name="budget"/> entries.
    /// </summary>
    static bool InsertionSort(ArrayView<long> a, int start, int end, long budget)
    {
        long moves = 0;
        for (int i = start + 1; i < end && moves <= budget; i++)
        {
            long x = a[i];
            int j = i;
            while (j > start && a[j - 1] > x)
            {
                a[j] = a[j - 1];
                j--;
            }
            // An entry already in place is not written back: sorted input is only read.
            if (j != i) a[j] = x;
            moves += i - j;
        }
        return moves <= budget;
    }

    /// <summary>Heapsort of a[start, start + n) (max-heap, single-exit loops only).</summary>
    static void HeapSort(ArrayView<long> a, int start, int n)
    {
        for (int i = n / 2 - 1; i >= 0; i--) SiftDown(a, start, i, n);
        for (int last = n - 1; last > 0; last--)
        {
            long top = a[start];
            a[start] = a[start + last];
            a[start + last] = top;
            SiftDown(a, start, 0, last);
        }
    }

    /// <summary>Moves a[start + root] down the max-heap a[start, start + n) (the loop ends by its condition alone).</summary>
    static void SiftDown(ArrayView<long> a, int start, int root, int n)
    {
        long x = a[start + root];
        int child = 2 * root + 1;
        while (child < n)
        {
            if (child + 1 < n && a[start + child + 1] > a[start + child]) child++;
            if (a[start + child] > x)
            {
                a[start + root] = a[start + child];
                root = child;
                child = 2 * root + 1;
            }
            else child = n;
        }
        a[start + root] = x;
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
                    int at = LowerBound(accepted, acceptedCount, position);
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

    /// <summary>Connections per column (<paramref name="counts"/> zeroed by the caller, length outputs + 1).</summary>
    public static void ColumnCounts(ArrayView<int> columns, int nnz, ArrayView<int> counts)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int w = Grid.GlobalLinearIndex; w < nnz; w += stride)
            Atomic.Add(ref counts[columns[w]], 1);
    }

    /// <summary>
    /// Scatters CSR entry w into its column's bucket as (row &lt;&lt; 32 | w); <paramref name="fill"/> starts as the
    /// incoming offsets and is advanced atomically (order within a bucket arbitrary until <see cref="SortBuckets"/>).
    /// </summary>
    public static void ScatterIncoming(ArrayView<int> columns, ArrayView<int> rows, int nnz, ArrayView<int> fill,
                                       ArrayView<long> entries)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int w = Grid.GlobalLinearIndex; w < nnz; w += stride)
        {
            int slot = Atomic.Add(ref fill[columns[w]], 1);
            entries[slot] = ((long)rows[w] << 32) | (long)(uint)w;
        }
    }

    /// <summary>Splits the sorted incoming entries (row &lt;&lt; 32 | CSR index) into inputs and weight indices.</summary>
    public static void UnpackIncoming(ArrayView<long> entries, int nnz, ArrayView<int> inputs, ArrayView<int> weightIndex)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalLinearIndex; i < nnz; i += stride)
        {
            long e = entries[i];
            inputs[i] = (int)(e >> 32);
            weightIndex[i] = (int)(e & 0xFFFF_FFFFL);
        }
    }
}
