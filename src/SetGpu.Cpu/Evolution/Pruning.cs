namespace SetGpu.Evolution;

/// <summary>What the pruning half of an evolution step removed from one layer.</summary>
/// <param name="Negatives">Negative weights before pruning (sign bit set, so −0 counts here).</param>
/// <param name="Positives">Positive weights before pruning (sign bit clear, so +0 counts here).</param>
/// <param name="RemovedNegatives">floor(ζ · Negatives): the negatives closest to zero.</param>
/// <param name="RemovedPositives">floor(ζ · Positives): the positives closest to zero.</param>
/// <param name="NegativeThreshold">Largest |w| among removed negatives (0 if none removed).</param>
/// <param name="PositiveThreshold">Largest |w| among removed positives (0 if none removed).</param>
public readonly record struct PruneResult(long Negatives, long Positives, long RemovedNegatives, long RemovedPositives,
                                          float NegativeThreshold, float PositiveThreshold)
{
    /// <summary>Connections removed in all.</summary>
    public long Removed => RemovedNegatives + RemovedPositives;
}

/// <summary>
/// The pruning half of SET's evolution step, as defined for every engine: remove floor(ζ·n₋) of the n₋ negative
/// weights and floor(ζ·n₊) of the n₊ positive weights, those closest to zero, with thresholds found separately
/// for each sign (as the reference code does). Ordering is by the bit pattern of |w| (for non-negative floats
/// integer order equals value order), and ties at the threshold go to the lower CSR index, so the removed set is
/// exact and identical on every backend. No float sort: a three-pass radix select on the 31-bit key.
/// </summary>
public static class Pruning
{
    /// <summary>How many of <paramref name="n"/> weights of one sign a step removes.</summary>
    public static long RemovalCount(long n, double zeta) => (long)Math.Floor(zeta * n);

    /// <summary>The 31-bit magnitude key of a weight; the sign is bit 31 of the raw pattern.</summary>
    public static uint MagnitudeKey(float w) => BitConverter.SingleToUInt32Bits(w) & 0x7FFF_FFFFu;

    /// <summary>Whether a weight belongs to the negative side (sign bit set).</summary>
    public static bool IsNegative(float w) => (BitConverter.SingleToUInt32Bits(w) & 0x8000_0000u) != 0;

    /// <summary>Radix digit layout of the 31-bit key: 11, 10 and 10 bits, most significant first.</summary>
    internal static readonly (int Shift, int Bits)[] Digits = [(20, 11), (10, 10), (0, 10)];

    /// <summary>Marks <c>removed[k] = 1</c> (and 0 elsewhere) for every pruned connection and returns the counts.</summary>
    public static PruneResult MarkRemovals(float[] weights, double zeta, byte[] removed)
    {
        if (removed.Length != weights.Length) throw new ArgumentException("removed mask must match the weights");
        var chunks = Chunks(weights.Length);
        var negativesPerChunk = new long[chunks.Length - 1];
        ForChunks(chunks.Length - 1, c =>
        {
            long count = 0;
            for (int k = chunks[c]; k < chunks[c + 1]; k++) count += BitConverter.SingleToUInt32Bits(weights[k]) >> 31;
            negativesPerChunk[c] = count;
        });
        long negatives = negativesPerChunk.Sum(), positives = weights.Length - negatives;
        var neg = new Selection(RemovalCount(negatives, zeta));
        var pos = new Selection(RemovalCount(positives, zeta));
        var lastPass = Select(weights, chunks, neg, pos);

        // Ties at a threshold go to the lowest indices: each chunk removes what the chunks before it left over.
        long negTies = neg.K - neg.Below, posTies = pos.K - pos.Below;
        var tiesBefore = new (long Neg, long Pos)[chunks.Length - 1];
        for (int c = 1; c < tiesBefore.Length; c++)
            tiesBefore[c] = (tiesBefore[c - 1].Neg + lastPass.TiesNeg(c - 1), tiesBefore[c - 1].Pos + lastPass.TiesPos(c - 1));
        ForChunks(chunks.Length - 1, c =>
        {
            // A side that removes nothing has limit 0 and no ties left, so no key of it qualifies.
            Mark(weights, chunks[c], chunks[c + 1], removed, neg.K > 0 ? neg.Prefix : 0, negTies - tiesBefore[c].Neg,
                 pos.K > 0 ? pos.Prefix : 0, posTies - tiesBefore[c].Pos);
        });
        return new PruneResult(negatives, positives, neg.K, pos.K,
            neg.K > 0 ? BitConverter.UInt32BitsToSingle(neg.Prefix) : 0f,
            pos.K > 0 ? BitConverter.UInt32BitsToSingle(pos.Prefix) : 0f);
    }

    /// <summary>
    /// Marks the weights of [start, end) whose key is below their sign's limit, and those equal to it while that sign has
    /// ties left (lowest indices first). Indexed by the sign bit rather than branching on it: signs come in random order,
    /// and a mispredicted branch per weight was most of the pass.
    /// </summary>
    static void Mark(float[] weights, int start, int end, byte[] removed, uint negLimit, long negTies, uint posLimit, long posTies)
    {
        Span<uint> limit = [posLimit, negLimit];
        Span<long> ties = [posTies, negTies];
        for (int k = start; k < end; k++)
        {
            uint bits = BitConverter.SingleToUInt32Bits(weights[k]);
            int sign = (int)(bits >> 31);
            uint key = bits & 0x7FFF_FFFFu, at = limit[sign];
            bool remove = key < at;
            if (key == at && ties[sign] > 0)
            {
                ties[sign]--;
                remove = true;
            }
            removed[k] = remove ? (byte)1 : (byte)0;
        }
    }

    /// <summary>
    /// The k-th smallest magnitude key (1-based) among weights of one sign, and how many keys of that sign are
    /// strictly smaller. For k = 0 returns (0, 0).
    /// </summary>
    public static (uint Threshold, long CountBelow) SelectKth(float[] weights, bool negative, long k)
    {
        if (k <= 0) return (0, 0);
        var wanted = new Selection(k);
        if (negative) Select(weights, Chunks(weights.Length), wanted, new Selection(0));
        else Select(weights, Chunks(weights.Length), new Selection(0), wanted);
        return (wanted.Prefix, wanted.Below);
    }

    /// <summary>The search for one sign's k-th smallest key: the digits fixed so far and the rank within them.</summary>
    sealed class Selection(long k)
    {
        public long K { get; } = k;
        public long Rank = k, Below;
        public uint Prefix, Mask;

        /// <summary>Fixes the next digit from this pass's histogram.</summary>
        public void Pick(ReadOnlySpan<long> histogram, int shift, int bits)
        {
            uint digit = 0;
            while (Rank > histogram[(int)digit]) { Rank -= histogram[(int)digit]; Below += histogram[(int)digit]; digit++; }
            Prefix |= digit << shift;
            Mask |= ((1u << bits) - 1) << shift;
        }
    }

    /// <summary>The per-chunk histograms of the last radix pass, for counting ties chunk by chunk.</summary>
    readonly struct LastPass(long[][] histograms, uint negDigit, uint posDigit)
    {
        public long TiesNeg(int chunk) => histograms[chunk][negDigit];
        public long TiesPos(int chunk) => histograms[chunk][HistogramSize + posDigit];
    }

    const int HistogramSize = 1 << 11;

    /// <summary>
    /// One chunk's histogram of the digit at <paramref name="shift"/> among the keys that match their sign's prefix:
    /// negatives in the first half, positives in the second. Indexed by the sign bit, not branching on it (see <see cref="Mark"/>).
    /// </summary>
    static void Count(float[] weights, int start, int end, long[] h, int shift, uint digitMask,
                      uint negMask, uint negPrefix, uint posMask, uint posPrefix)
    {
        Span<uint> mask = [posMask, negMask], prefix = [posPrefix, negPrefix];
        Span<int> half = [HistogramSize, 0];
        for (int k = start; k < end; k++)
        {
            uint bits = BitConverter.SingleToUInt32Bits(weights[k]);
            int sign = (int)(bits >> 31);
            uint key = bits & 0x7FFF_FFFFu;
            if ((key & mask[sign]) != prefix[sign]) continue;
            h[half[sign] + (int)((key >> shift) & digitMask)]++;
        }
    }

    /// <summary>Three radix passes (11, 10, 10 bits), each a parallel histogram of both signs at once.</summary>
    static LastPass Select(float[] weights, int[] chunks, Selection neg, Selection pos)
    {
        var histograms = new long[chunks.Length - 1][];
        foreach (var (shift, bits) in Digits)
        {
            uint digitMask = (1u << bits) - 1;
            // A side that selects nothing gets mask 0 and prefix 1, which no key matches.
            uint negMask = neg.K > 0 ? neg.Mask : 0, negPrefix = neg.K > 0 ? neg.Prefix : 1;
            uint posMask = pos.K > 0 ? pos.Mask : 0, posPrefix = pos.K > 0 ? pos.Prefix : 1;
            ForChunks(chunks.Length - 1, c =>
            {
                var h = histograms[c] ??= new long[2 * HistogramSize];
                Array.Clear(h);
                Count(weights, chunks[c], chunks[c + 1], h, shift, digitMask, negMask, negPrefix, posMask, posPrefix);
            });
            var total = new long[2 * HistogramSize];
            foreach (var h in histograms)
                for (int d = 0; d < total.Length; d++) total[d] += h[d];
            if (neg.K > 0) neg.Pick(total.AsSpan(0, HistogramSize), shift, bits);
            if (pos.K > 0) pos.Pick(total.AsSpan(HistogramSize), shift, bits);
        }
        return new LastPass(histograms, neg.Prefix & ((1u << Digits[^1].Bits) - 1), pos.Prefix & ((1u << Digits[^1].Bits) - 1));
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every chunk: inline when there is one (a layer under 512 K weights, which WAST
    /// prunes after every batch: Parallel.For's hand-off there costs more than the pass itself).
    /// </summary>
    static void ForChunks(int count, Action<int> body)
    {
        if (count == 1) body(0);
        else Parallel.For(0, count, body);
    }

    /// <summary>Chunk bounds for the parallel passes: about 256 K weights a chunk (one chunk for small layers).</summary>
    static int[] Chunks(int n)
    {
        int count = Math.Clamp(n >> 18, 1, 256);
        var bounds = new int[count + 1];
        for (int c = 0; c <= count; c++) bounds[c] = (int)((long)n * c / count);
        return bounds;
    }
}
