using ILGPU;
using ILGPU.Runtime;
using SetGpu.Evolution;
using SetGpu.Gpu.Kernels;

namespace SetGpu.Gpu;

/// <summary>
/// Threshold select and prune, the first stage of <see cref="DeviceEvolution"/> (kernels: <see cref="PruningKernels"/>):
/// a three-pass radix select on the 31-bit magnitude key for both signs at once (histogram kernel, 2 × 2048 bins,
/// group histograms in shared memory; the host downloads the 16 KiB histogram after each pass and picks the digit).
/// The first pass also gives the sign counts. Ties at a threshold go to the lower CSR index: when only some of the
/// tied weights go, one 64-bit exclusive scan ranks the ties of both signs (negatives in the low half, positives in the
/// high half). CPU twin: <see cref="Pruning"/>.
/// </summary>
internal sealed class DevicePruning
{
    readonly Accelerator accelerator;
    readonly DeviceScan scan;
    readonly Action<KernelConfig, ArrayView<float>, int, ArrayView<int>, HistogramPass> histogram;
    readonly Action<KernelConfig, ArrayView<float>, int, ArrayView<long>, PruneThresholds> tieFlags;
    readonly Action<KernelConfig, ArrayView<int>, int, ArrayView<float>, ArrayView<long>, PruneThresholds, ArrayView<byte>, ArrayView<int>> markRemovals;

    /// <summary>Compiles the kernels for <paramref name="accelerator"/> once; the tie ranks use <paramref name="scan"/>.</summary>
    public DevicePruning(Accelerator accelerator, DeviceScan scan)
    {
        this.accelerator = accelerator;
        this.scan = scan;
        histogram = accelerator.LoadStreamKernel<ArrayView<float>, int, ArrayView<int>, HistogramPass>(PruningKernels.MagnitudeHistogram);
        tieFlags = accelerator.LoadStreamKernel<ArrayView<float>, int, ArrayView<long>, PruneThresholds>(PruningKernels.TieFlags);
        markRemovals = accelerator.LoadStreamKernel<ArrayView<int>, int, ArrayView<float>, ArrayView<long>, PruneThresholds,
            ArrayView<byte>, ArrayView<int>>(PruningKernels.MarkRemovals);
    }

    /// <summary>The radix select of one sign, driven from the host one digit at a time.</summary>
    struct Select(long k)
    {
        public readonly long K = k;
        public uint Prefix, Mask;
        public long Below, Rank = k, AtThreshold;

        /// <summary>The prefix filter of the next pass; a sign with nothing to remove matches no key.</summary>
        public readonly (uint Prefix, uint Mask) Filter => K > 0 ? (Prefix, Mask) : (uint.MaxValue, uint.MaxValue);

        /// <summary>Picks the digit holding the target from this sign's histogram (as <see cref="Pruning.SelectKth"/>).</summary>
        public void Step(ReadOnlySpan<int> bins, int shift, int bits)
        {
            if (K == 0) return;
            int digit = 0;
            while (Rank > bins[digit])
            {
                Rank -= bins[digit];
                Below += bins[digit];
                digit++;
            }
            AtThreshold = bins[digit];
            Prefix |= (uint)digit << shift;
            Mask |= ((1u << bits) - 1) << shift;
        }
    }

    /// <summary>
    /// Marks removed[k] = 1 (0 elsewhere) for every connection of <paramref name="layer"/> that the step prunes and
    /// writes each row's survivors: the same removed set and result as <see cref="Pruning.MarkRemovals"/> on the host.
    /// </summary>
    public PruneResult MarkRemovals(DeviceLayer layer, double zeta, MemoryBuffer1D<byte, Stride1D.Dense> removed,
                                    MemoryBuffer1D<int, Stride1D.Dense> survivors, DeviceScratch scratch) =>
        MarkRemovals(layer, layer.Weights.View, zeta, removed, survivors, scratch);

    /// <summary>
    /// The same choice made on <paramref name="keys"/> (one per connection of <paramref name="layer"/>) instead of its
    /// weights: WAST's importance-scaled weights (<see cref="Evolution.Wast.ImportancePruning"/> on the host).
    /// </summary>
    public PruneResult MarkRemovals(DeviceLayer layer, ArrayView<float> keys, double zeta, MemoryBuffer1D<byte, Stride1D.Dense> removed,
                                    MemoryBuffer1D<int, Stride1D.Dense> survivors, DeviceScratch scratch)
    {
        if (keys.Length != layer.Connections) throw new ArgumentException($"{keys.Length} keys for {layer.Connections} connections", nameof(keys));
        int nnz = layer.Connections;
        var hist = scratch.Alloc<int>(2 * PruningKernels.BinsPerSign);
        var bins = new int[2 * PruningKernels.BinsPerSign];
        var config = Launch.For(accelerator, nnz);

        long negatives = 0;
        Select neg = default, pos = default;
        for (int pass = 0; pass < Pruning.Digits.Length; pass++)
        {
            var (shift, bits) = Pruning.Digits[pass];
            var (prefixNeg, maskNeg) = pass == 0 ? (0u, 0u) : neg.Filter;
            var (prefixPos, maskPos) = pass == 0 ? (0u, 0u) : pos.Filter;
            hist.MemSetToZero();
            histogram(config, keys, nnz, hist.View, new HistogramPass
            {
                PrefixNeg = prefixNeg, MaskNeg = maskNeg, PrefixPos = prefixPos, MaskPos = maskPos,
                Shift = shift, DigitMask = (1u << bits) - 1,
            });
            accelerator.Synchronize();
            hist.View.CopyToCPU(bins);
            if (pass == 0)
            {
                // The first pass counts every key: its bins sum to the sign counts.
                for (int b = 0; b < PruningKernels.BinsPerSign; b++) negatives += bins[b];
                neg = new Select(Pruning.RemovalCount(negatives, zeta));
                pos = new Select(Pruning.RemovalCount(nnz - negatives, zeta));
                if (neg.K == 0 && pos.K == 0) return new PruneResult(negatives, nnz - negatives, 0, 0, 0f, 0f);
            }
            neg.Step(bins.AsSpan(0, PruningKernels.BinsPerSign), shift, bits);
            pos.Step(bins.AsSpan(PruningKernels.BinsPerSign), shift, bits);
        }

        // Ties at the threshold: k − below of them go. Only when that is fewer than all of them do ranks matter.
        long tiesNeg = neg.K - neg.Below, tiesPos = pos.K - pos.Below;
        bool useRanks = (neg.K > 0 && neg.AtThreshold > tiesNeg) || (pos.K > 0 && pos.AtThreshold > tiesPos);
        var thresholds = new PruneThresholds
        {
            NegKey = neg.Prefix, PosKey = pos.Prefix, NegActive = neg.K > 0 ? 1 : 0, PosActive = pos.K > 0 ? 1 : 0,
            NegTies = tiesNeg, PosTies = tiesPos, UseRanks = useRanks ? 1 : 0,
        };
        var ranks = scratch.Alloc<long>(useRanks ? nnz : 1);
        if (useRanks)
        {
            var flags = scratch.Alloc<long>(nnz);
            tieFlags(config, keys, nnz, flags.View, thresholds);
            scan.Exclusive(flags.View, ranks.View, scratch.ScanTemp<long>(scan, nnz));
        }
        markRemovals(Launch.For(accelerator, layer.Inputs), layer.RowOffsets.View, layer.Inputs, keys,
                     ranks.View, thresholds, removed.View, survivors.View);
        return new PruneResult(negatives, nnz - negatives, neg.K, pos.K,
            neg.K > 0 ? BitConverter.UInt32BitsToSingle(neg.Prefix) : 0f,
            pos.K > 0 ? BitConverter.UInt32BitsToSingle(pos.Prefix) : 0f);
    }
}
