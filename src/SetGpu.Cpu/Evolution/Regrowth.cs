using SetGpu.Rng;
using SetGpu.Sparse;

namespace SetGpu.Evolution;

/// <summary>
/// Chooses empty positions of a layer uniformly at random: the regrowth half of a SET evolution step, and the
/// Erdős–Rényi initialisation (regrowth into an empty layer). This is the definition that every engine
/// reproduces exactly, given the same stream key:
/// <list type="bullet">
/// <item><b>Sparse mode</b> (target density below 1/4): candidate c = 0, 1, 2, … sits at linear position
/// <c>UniformBelow(Hash(key, c), rows·columns)</c>; the result is the first <c>count</c> distinct candidates, in
/// counter order, whose position is empty. Every candidate is accepted with probability at least 3/4.</item>
/// <item><b>Dense mode</b> (otherwise): the <c>count</c> empty positions with the smallest
/// (Hash(key, position), position). Rejection sampling would stall here; enumerating empties costs O(rows·columns),
/// which is O(nnz) at this density.</item>
/// </list>
/// Linear positions are 64-bit (row · columns + column): rows·columns overflows 32 bits for big layers.
/// </summary>
public static class Regrowth
{
    /// <summary>Whether the dense mode applies: taken plus new positions fill a quarter of the layer or more.</summary>
    public static bool UsesDenseMode(long positions, long taken, long count) => (taken + count) * 4 >= positions;

    /// <summary>
    /// The <paramref name="count"/> new positions, as a CSR pattern (rows sorted and unique) that shares no
    /// position with <paramref name="taken"/>.
    /// </summary>
    public static CsrPattern SelectEmpty(int rows, int columns, Occupancy taken, long count, ulong key) =>
        SelectEmptyInChunks(rows, columns, taken, count, key, MaxChunk(count));

    /// <summary>As above, with at most <paramref name="maxChunk"/> candidates a chunk in sparse mode (tests show that
    /// the chunk size changes only the work).</summary>
    internal static CsrPattern SelectEmptyInChunks(int rows, int columns, Occupancy taken, long count, ulong key, long maxChunk)
    {
        long positions = (long)rows * columns;
        if (count < 0 || count > positions - taken.Count)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"cannot place {count} connections: {positions - taken.Count} of {positions} positions are empty");
        if (count == 0) return CsrPattern.Empty(rows);
        return UsesDenseMode(positions, taken.Count, count)
            ? SelectDense(rows, columns, taken, count, key)
            : SelectSparse(rows, columns, taken, count, key, maxChunk);
    }

    /// <summary>Linear position of candidate <paramref name="counter"/> (sparse mode).</summary>
    public static long CandidatePosition(ulong key, long counter, long positions) =>
        CounterRng.UniformBelow(CounterRng.Hash(key, (ulong)counter), positions);

    /// <summary>The most candidates one chunk of the sparse mode takes: all of them up to 16 M, else a quarter of the count.</summary>
    internal static long MaxChunk(long count) => Math.Min(int.MaxValue / 2, Math.Max(1L << 24, count / 4));

    static CsrPattern SelectSparse(int rows, int columns, Occupancy taken, long count, ulong key, long maxChunk)
    {
        long positions = (long)rows * columns;
        var accepted = CsrPattern.Empty(rows);
        long counter = 0;
        ChunkBuffers? buffers = null;
        while (accepted.Count < count)
        {
            long need = count - accepted.Count;
            long empty = positions - taken.Count - accepted.Count;
            // Enough candidates that one chunk nearly always suffices (need / acceptance rate, plus slack), but for big
            // counts a quarter of them at a time: a candidate costs 17 bytes while its chunk is sorted, and the
            // definition (the first `count` distinct empty ones in counter order) does not depend on the chunking.
            long chunk = Math.Min(maxChunk, (long)(need * (double)positions / empty * 1.02) + 64 + need / 64);
            if (buffers is null || buffers.Capacity < chunk) buffers = new ChunkBuffers((int)chunk);
            var chosen = AcceptChunk(rows, columns, taken, accepted, key, counter, (int)chunk, need, buffers);
            bool more = accepted.Count > 0;
            accepted = Merge(accepted, chosen);
            counter += chunk;
            // A big regrowth's earlier accepted arrays are garbage of gigabytes: free them before the next chunk.
            if (more && accepted.Count >= 1 << 24) GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        }
        return accepted;
    }

    /// <summary>
    /// Candidates [first, first+chunk): bucket them by row, sort each row by (column, counter), keep the first
    /// occurrence of each empty position, then accept in counter order up to <paramref name="need"/>.
    /// </summary>
    static CsrPattern AcceptChunk(int rows, int columns, Occupancy taken, CsrPattern accepted, ulong key,
                                  long first, int chunk, long need, ChunkBuffers buffers)
    {
        long positions = (long)rows * columns;
        var candidates = buffers.Candidates;
        int parts = Math.Max(1, chunk >> 16);
        Parallel.For(0, parts, part =>
        {
            int start = (int)((long)chunk * part / parts), end = (int)((long)chunk * (part + 1) / parts);
            for (int i = start; i < end; i++) candidates[i] = CandidatePosition(key, first + i, positions);
        });
        var rowCounts = new int[rows];
        for (int i = 0; i < chunk; i++) rowCounts[candidates[i] / columns]++;
        var rowOffsets = CsrPattern.OffsetsFromCounts(rowCounts);

        // (column << 32 | candidate index): sorting a row's entries orders them by column, then by counter.
        var entries = buffers.Entries;
        var fill = (int[])rowOffsets.Clone();
        for (int i = 0; i < chunk; i++)
        {
            long p = candidates[i];
            int row = (int)(p / columns), column = (int)(p - (long)row * columns);
            entries[fill[row]++] = ((long)column << 32) | (uint)i;
        }

        var valid = buffers.Valid;
        Array.Clear(valid, 0, chunk);
        var takenColumns = taken.Pattern.Columns;
        var removed = taken.Removed;
        Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, row =>
        {
            int start = rowOffsets[row], end = rowOffsets[row + 1];
            Array.Sort(entries, start, end - start);
            // Candidates, taken and accepted positions are all sorted by column: one merge walk finds the empty ones.
            int t = taken.Pattern.Offsets[row], tEnd = taken.Pattern.Offsets[row + 1];
            int a = accepted.Offsets[row], aEnd = accepted.Offsets[row + 1];
            for (int k = start; k < end; k++)
            {
                int column = (int)(entries[k] >> 32);
                if (k > start && (int)(entries[k - 1] >> 32) == column) continue; // a later duplicate
                while (t < tEnd && takenColumns[t] < column) t++;
                if (t < tEnd && takenColumns[t] == column && (removed is null || removed[t] == 0)) continue;
                while (a < aEnd && accepted.Columns[a] < column) a++;
                if (a < aEnd && accepted.Columns[a] == column) continue;
                valid[(int)(entries[k] & 0xFFFFFFFF)] = true;
            }
        });

        // The cutoff: the candidate index of the need-th valid one in counter order.
        int cutoff = chunk - 1;
        long seen = 0;
        for (int i = 0; i < chunk; i++)
            if (valid[i] && ++seen == need) { cutoff = i; break; }

        var counts = new int[rows];
        for (int row = 0; row < rows; row++)
            for (int k = rowOffsets[row]; k < rowOffsets[row + 1]; k++)
            {
                int index = (int)(entries[k] & 0xFFFFFFFF);
                if (valid[index] && index <= cutoff) counts[row]++;
            }
        var offsets = CsrPattern.OffsetsFromCounts(counts);
        var result = new int[offsets[^1]];
        int w = 0;
        for (int row = 0; row < rows; row++)
            for (int k = rowOffsets[row]; k < rowOffsets[row + 1]; k++)
            {
                int index = (int)(entries[k] & 0xFFFFFFFF);
                if (valid[index] && index <= cutoff) result[w++] = (int)(entries[k] >> 32);
            }
        return new CsrPattern(offsets, result);
    }

    /// <summary>The sparse mode's per-candidate arrays, made once for the largest chunk of a regrowth (the first) and
    /// used by every chunk after it.</summary>
    sealed class ChunkBuffers(int capacity)
    {
        public int Capacity => capacity;
        public long[] Candidates { get; } = new long[capacity];
        /// <summary>(column &lt;&lt; 32 | candidate index), bucketed by row.</summary>
        public long[] Entries { get; } = new long[capacity];
        public bool[] Valid { get; } = new bool[capacity];
    }

    static CsrPattern SelectDense(int rows, int columns, Occupancy taken, long count, ulong key)
    {
        long empty = (long)rows * columns - taken.Count;
        if (empty > int.MaxValue) throw new InvalidOperationException($"dense-mode regrowth over {empty} empty positions is too large");
        var hashes = new ulong[empty];
        var linear = new long[empty];
        long e = 0;
        for (int row = 0; row < rows; row++)
            for (int column = 0; column < columns; column++)
            {
                if (taken.IsTaken(row, column)) continue;
                long p = (long)row * columns + column;
                hashes[e] = CounterRng.Hash(key, (ulong)p);
                linear[e++] = p;
            }
        // Positions are unique and enumerated ascending, so sorting by hash then position is a stable sort by hash.
        var order = new int[empty];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => hashes[a] != hashes[b] ? hashes[a].CompareTo(hashes[b]) : a.CompareTo(b));

        var chosen = new long[count];
        for (long i = 0; i < count; i++) chosen[i] = linear[order[i]];
        Array.Sort(chosen);
        return FromSortedPositions(rows, columns, chosen);
    }

    /// <summary>A CSR pattern from ascending, unique linear positions.</summary>
    public static CsrPattern FromSortedPositions(int rows, int columns, ReadOnlySpan<long> sorted)
    {
        var counts = new int[rows];
        foreach (long p in sorted) counts[p / columns]++;
        var result = new int[sorted.Length];
        for (int i = 0; i < sorted.Length; i++) result[i] = (int)(sorted[i] % columns);
        return new CsrPattern(CsrPattern.OffsetsFromCounts(counts), result);
    }

    /// <summary>Union of two disjoint patterns of the same shape.</summary>
    public static CsrPattern Merge(CsrPattern a, CsrPattern b)
    {
        if (b.Count == 0) return a;
        if (a.Count == 0) return b;
        var counts = new int[a.Rows];
        for (int r = 0; r < a.Rows; r++)
            counts[r] = a.Offsets[r + 1] - a.Offsets[r] + b.Offsets[r + 1] - b.Offsets[r];
        var offsets = CsrPattern.OffsetsFromCounts(counts);
        var columns = new int[offsets[^1]];
        for (int r = 0; r < a.Rows; r++)
        {
            int i = a.Offsets[r], iEnd = a.Offsets[r + 1], j = b.Offsets[r], jEnd = b.Offsets[r + 1], w = offsets[r];
            while (i < iEnd && j < jEnd) columns[w++] = a.Columns[i] < b.Columns[j] ? a.Columns[i++] : b.Columns[j++];
            while (i < iEnd) columns[w++] = a.Columns[i++];
            while (j < jEnd) columns[w++] = b.Columns[j++];
        }
        return new CsrPattern(offsets, columns);
    }
}
