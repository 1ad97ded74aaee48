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

/// <summary>The rows of the layer after the step, and the sort input of its incoming index.</summary>
internal struct TargetRows
{
    public ArrayView<int> Offsets;
    public ArrayView<int> Columns;
    public ArrayView<float> Weights;
    public ArrayView<float> Velocity;
    /// <summary>(column &lt;&lt; 32 | row) of each new entry.</summary>
    public ArrayView<ulong> IncomingKeys;
    /// <summary>The CSR index of each new entry (sorted along with the keys into the incoming weight index).</summary>
    public ArrayView<int> IncomingWeightIndex;
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

    /// <summary>Sparse-mode candidates [first, first + n): key = linear position, value = index within the chunk.</summary>
    public static void Candidates(ArrayView<ulong> keys, ArrayView<int> values, int n, ulong rngKey, long first, long positions)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalLinearIndex; i < n; i += stride)
        {
            keys[i] = (ulong)Regrowth.CandidatePosition(rngKey, first + i, positions);
            values[i] = i;
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

    /// <summary>First index in the ascending <paramref name="sorted"/>[0, n) whose value is ≥ <paramref name="x"/>.</summary>
    static int LowerBound(ArrayView<ulong> sorted, int n, ulong x)
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

    /// <summary>
    /// Over candidates sorted by position: the first entry of each run of equal positions finds the smallest
    /// counter of the run (the first occurrence in counter order; no reliance on a stable sort) and, if the
    /// position is empty (not a surviving connection, not accepted by an earlier chunk), sets
    /// <paramref name="validByCounter"/>[that counter] = 1 (zeroed by the caller). Afterwards
    /// <paramref name="values"/>[s] holds that counter for a valid run head and -1 everywhere else. A head owns its
    /// whole run, so no two threads touch the same value.
    /// </summary>
    public static void ValidateCandidates(ArrayView<ulong> keys, ArrayView<int> values, int n, SourceRows old, int columns,
                                          ArrayView<long> accepted, int acceptedCount, ArrayView<int> validByCounter)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int s = Grid.GlobalLinearIndex; s < n; s += stride)
        {
            ulong p = keys[s];
            if (s > 0 && keys[s - 1] == p) continue; // not the head of its run
            int first = values[s];
            for (int e = s + 1; e < n && keys[e] == p; e++)
            {
                int c = values[e];
                if (c < first) first = c;
                values[e] = -1;
            }
            long position = (long)p;
            int row = (int)(position / columns);
            int column = (int)(position - (long)row * columns);
            bool valid = !IsTaken(old, row, column);
            if (valid && acceptedCount > 0)
            {
                int at = LowerBound(accepted, acceptedCount, position);
                valid = at >= acceptedCount || accepted[at] != position;
            }
            if (valid) validByCounter[first] = 1;
            values[s] = valid ? first : -1;
        }
    }

    /// <summary>
    /// Over sorted candidates and one extra slot: flags[s] = 1 if s is a valid run head whose counter ranks among the
    /// first <paramref name="need"/> valid ones in counter order; flags[n] = 0 (so the scan's last slot is the total).
    /// </summary>
    public static void AcceptFlags(ArrayView<int> heads, ArrayView<int> ranks, int n, int need, ArrayView<int> flags)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int s = Grid.GlobalLinearIndex; s <= n; s += stride)
        {
            int flag = 0;
            if (s < n)
            {
                int c = heads[s];
                if (c >= 0 && ranks[c] < need) flag = 1;
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
    /// with hash Hash(key, position) and its enumeration index (the sort value).
    /// </summary>
    public static void EnumerateEmpty(SourceRows old, int rows, int columns, ArrayView<int> emptyOffsets, ulong rngKey,
                                      ArrayView<ulong> hashes, ArrayView<int> order, ArrayView<long> positions)
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
                order[w] = w;
                positions[w] = p;
                w++;
            }
        }
    }

    /// <summary>chosen[order[s]] = 1 for the first <paramref name="count"/> entries of the hash order.</summary>
    public static void MarkChosen(ArrayView<int> order, int count, ArrayView<int> chosen)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int s = Grid.GlobalLinearIndex; s < count; s += stride)
            chosen[order[s]] = 1;
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
    /// zero momentum) into the new CSR arrays, and writes the incoming-index sort input of every new entry.
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
                target.IncomingKeys[w] = ((ulong)(uint)column << 32) | (uint)r;
                target.IncomingWeightIndex[w] = w;
            }
        }
    }

    /// <summary>
    /// After sorting the (column, row) keys with their CSR indices: items [0, nnz) write the input neuron of each
    /// incoming connection; items [nnz, nnz + outputs] the offset of each output neuron (a lower bound in the keys).
    /// </summary>
    public static void IncomingFinish(ArrayView<ulong> sortedKeys, int nnz, int outputs, ArrayView<int> offsets,
                                      ArrayView<int> inputs)
    {
        int stride = Grid.DimX * Group.DimX;
        int n = nnz + outputs + 1;
        for (int i = Grid.GlobalLinearIndex; i < n; i += stride)
        {
            if (i < nnz) inputs[i] = (int)(sortedKeys[i] & 0xFFFF_FFFFUL);
            else
            {
                int c = i - nnz;
                offsets[c] = LowerBound(sortedKeys, nnz, (ulong)(uint)c << 32);
            }
        }
    }
}
