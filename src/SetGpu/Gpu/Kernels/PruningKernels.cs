using ILGPU;

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

/// <summary>
/// Threshold select and prune, the first stage of SET's evolution step on the device (launched by
/// <see cref="DevicePruning"/>): a radix select of the pruning thresholds of both signs over the 31-bit magnitude key,
/// tie flags for the ranks of tied weights, and the removal mask with the survivors per row. CPU twin:
/// <see cref="SetGpu.Evolution.Pruning"/>.
/// </summary>
internal static class PruningKernels
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
}
