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

    /// <summary>Marks <c>removed[k] = 1</c> for every pruned connection and returns the counts.</summary>
    public static PruneResult MarkRemovals(ReadOnlySpan<float> weights, double zeta, Span<byte> removed)
    {
        if (removed.Length != weights.Length) throw new ArgumentException("removed mask must match the weights");
        long negatives = 0;
        foreach (float w in weights) negatives += IsNegative(w) ? 1 : 0;
        long positives = weights.Length - negatives;
        long kNeg = RemovalCount(negatives, zeta), kPos = RemovalCount(positives, zeta);

        var (tNeg, lessNeg) = SelectKth(weights, negative: true, kNeg);
        var (tPos, lessPos) = SelectKth(weights, negative: false, kPos);
        long tiesNeg = kNeg - lessNeg, tiesPos = kPos - lessPos; // how many at the threshold go, lowest index first

        removed.Clear();
        for (int k = 0; k < weights.Length; k++)
        {
            float w = weights[k];
            uint key = MagnitudeKey(w);
            if (IsNegative(w))
            {
                if (kNeg == 0) continue;
                if (key < tNeg || (key == tNeg && tiesNeg-- > 0)) removed[k] = 1;
            }
            else
            {
                if (kPos == 0) continue;
                if (key < tPos || (key == tPos && tiesPos-- > 0)) removed[k] = 1;
            }
        }
        return new PruneResult(negatives, positives, kNeg, kPos,
            kNeg > 0 ? BitConverter.UInt32BitsToSingle(tNeg) : 0f,
            kPos > 0 ? BitConverter.UInt32BitsToSingle(tPos) : 0f);
    }

    /// <summary>
    /// The k-th smallest magnitude key (1-based) among weights of one sign, and how many keys of that sign are
    /// strictly smaller. For k = 0 returns (0, 0).
    /// </summary>
    public static (uint Threshold, long CountBelow) SelectKth(ReadOnlySpan<float> weights, bool negative, long k)
    {
        if (k <= 0) return (0, 0);
        uint prefix = 0, prefixMask = 0;
        long below = 0, rank = k; // rank: position of the target within the current prefix bucket (1-based)
        var histogram = new long[1 << 11];
        foreach (var (shift, bits) in Digits)
        {
            Array.Clear(histogram);
            foreach (float w in weights)
            {
                if (IsNegative(w) != negative) continue;
                uint key = MagnitudeKey(w);
                if ((key & prefixMask) != prefix) continue;
                histogram[(key >> shift) & ((1u << bits) - 1)]++;
            }
            uint digit = 0;
            while (rank > histogram[digit]) { rank -= histogram[digit]; below += histogram[digit]; digit++; }
            prefix |= digit << shift;
            prefixMask |= ((1u << bits) - 1) << shift;
        }
        return (prefix, below);
    }
}
