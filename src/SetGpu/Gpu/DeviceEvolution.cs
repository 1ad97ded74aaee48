using ILGPU;
using ILGPU.Runtime;
using SetGpu.Evolution;
using SetGpu.Gpu.Kernels;
using SetGpu.Rng;

namespace SetGpu.Gpu;

/// <summary>
/// SET's evolution step on a <see cref="DeviceLayer"/>, entirely on the device, reproducing
/// <see cref="SparseEvolution.EvolveLayer"/> exactly (same removed set, same regrown positions, same values):
/// <list type="number">
/// <item>Pruning: a three-pass radix select on the 31-bit magnitude key for both signs at once (histogram kernel,
/// 2 × 2048 bins, group histograms in shared memory; the host downloads the 16 KiB histogram after each pass and
/// picks the digit). The first pass also gives the sign counts. Ties at a threshold go to the lower CSR index: when
/// only some of the tied weights go, one 64-bit exclusive scan ranks the ties of both signs (negatives in the low
/// half, positives in the high half).</item>
/// <item>Regrowth, sparse mode (as <see cref="Regrowth"/> does it on the host): a chunk of candidates is bucketed
/// by row (histogram with int atomics, exclusive scan, atomic scatter of (column &lt;&lt; 32 | counter)), each row's
/// bucket is sorted by one work item (insertion sort, heapsort when that takes too many moves), and the first entry of
/// each column (the smallest counter at that position) is valid if the position is neither a surviving connection
/// nor accepted by an earlier chunk; an exclusive scan over counters ranks the valid ones and the first <c>need</c>
/// are compacted in position order and merged into the accepted list. Dense mode: every empty position with Hash(key, position); a four-pass radix
/// select (16-bit digits, the host picking each digit from the downloaded histogram) finds the <c>count</c>-th
/// smallest hash (the hash is a bijection of the position, so no ties), and the positions at or below it are
/// compacted in position order.</item>
/// <item>Rebuild: new row lengths (survivors + accepted in the row), exclusive scan for the offsets, a per-row merge
/// writing columns, weights and momenta, and the incoming index by a counting sort on the column (histogram, scan,
/// atomic scatter) followed by a per-column sort of each bucket by row (on ILGPU's CPU accelerator the scatter runs in
/// order, so the sort only reads the buckets).</item>
/// </list>
/// No sort from ILGPU.Algorithms is used: its radix sort misorders large inputs on PoCL (see AlgorithmsProbeTests);
/// its exclusive scan is correct there and is used on GPUs (<see cref="DeviceScan"/>; ILGPU's CPU accelerator gets a
/// scan with one tile per thread).
/// Scratch memory is O(nnz) (O(rows · columns) only in dense mode, where that is O(nnz)) and freed before returning.
/// Not thread safe: one evolution at a time per instance.
/// </summary>
internal sealed class DeviceEvolution : IDisposable
{
    readonly Accelerator accelerator;
    readonly Action<KernelConfig, ArrayView<float>, int, ArrayView<int>, HistogramPass> histogram;
    readonly Action<KernelConfig, ArrayView<float>, int, ArrayView<long>, PruneThresholds> tieFlags;
    readonly Action<KernelConfig, ArrayView<int>, int, ArrayView<float>, ArrayView<long>, PruneThresholds, ArrayView<byte>, ArrayView<int>> markRemovals;
    readonly Action<KernelConfig, ulong, long, int, long, int, ArrayView<int>> candidateRowCounts;
    readonly Action<KernelConfig, ulong, long, int, long, int, ArrayView<int>, ArrayView<long>> scatterCandidates;
    readonly Action<KernelConfig, ArrayView<int>, int, ArrayView<long>> sortBuckets;
    readonly Action<KernelConfig, ArrayView<int>, int, ArrayView<long>, SourceRows, int, ArrayView<long>, int, ArrayView<int>,
        ArrayView<long>> validateRows;
    readonly Action<KernelConfig, ArrayView<long>, ArrayView<int>, ArrayView<int>, int, int, ArrayView<int>> acceptSorted;
    readonly Action<KernelConfig, ArrayView<ulong>, int, ulong, ulong, int, ArrayView<int>> hashHistogram;
    readonly Action<KernelConfig, ArrayView<ulong>, int, ulong, ArrayView<int>> markAtMost;
    readonly Action<KernelConfig, ArrayView<int>, int, ArrayView<int>> columnCounts;
    readonly Action<KernelConfig, ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<long>> scatterIncoming;
    readonly Action<KernelConfig, ArrayView<long>, int, ArrayView<int>, ArrayView<int>> unpackIncoming;
    readonly Action<KernelConfig, ArrayView<long>, ArrayView<int>, ArrayView<int>, int, ArrayView<long>> compact;
    readonly Action<KernelConfig, ArrayView<long>, int, ArrayView<long>, int, ArrayView<long>> mergeSorted;
    readonly Action<KernelConfig, ArrayView<int>, int, int, ArrayView<int>> rowEmpties;
    readonly Action<KernelConfig, SourceRows, int, int, ArrayView<int>, ulong, ArrayView<ulong>, ArrayView<long>> enumerateEmpty;
    readonly Action<KernelConfig, ArrayView<int>, int, int, ArrayView<long>, int, ArrayView<int>> newRowCounts;
    readonly Action<KernelConfig, SourceRows, TargetRows, int, int, ArrayView<long>, int, RegrowthInit> mergeRows;
    readonly DeviceScan scan;

    /// <summary>Compiles the kernels and the scan operations for <paramref name="accelerator"/> once.</summary>
    public DeviceEvolution(Accelerator accelerator)
    {
        this.accelerator = accelerator;
        histogram = accelerator.LoadStreamKernel<ArrayView<float>, int, ArrayView<int>, HistogramPass>(EvolutionKernels.MagnitudeHistogram);
        tieFlags = accelerator.LoadStreamKernel<ArrayView<float>, int, ArrayView<long>, PruneThresholds>(EvolutionKernels.TieFlags);
        markRemovals = accelerator.LoadStreamKernel<ArrayView<int>, int, ArrayView<float>, ArrayView<long>, PruneThresholds,
            ArrayView<byte>, ArrayView<int>>(EvolutionKernels.MarkRemovals);
        candidateRowCounts = accelerator.LoadStreamKernel<ulong, long, int, long, int, ArrayView<int>>(
            EvolutionKernels.CandidateRowCounts);
        scatterCandidates = accelerator.LoadStreamKernel<ulong, long, int, long, int, ArrayView<int>, ArrayView<long>>(
            EvolutionKernels.ScatterCandidates);
        sortBuckets = accelerator.LoadStreamKernel<ArrayView<int>, int, ArrayView<long>>(EvolutionKernels.SortBuckets);
        validateRows = accelerator.LoadStreamKernel<ArrayView<int>, int, ArrayView<long>, SourceRows, int, ArrayView<long>, int,
            ArrayView<int>, ArrayView<long>>(EvolutionKernels.ValidateRows);
        acceptSorted = accelerator.LoadStreamKernel<ArrayView<long>, ArrayView<int>, ArrayView<int>, int, int, ArrayView<int>>(
            EvolutionKernels.AcceptSorted);
        hashHistogram = accelerator.LoadStreamKernel<ArrayView<ulong>, int, ulong, ulong, int, ArrayView<int>>(
            EvolutionKernels.HashHistogram);
        markAtMost = accelerator.LoadStreamKernel<ArrayView<ulong>, int, ulong, ArrayView<int>>(EvolutionKernels.MarkAtMost);
        columnCounts = accelerator.LoadStreamKernel<ArrayView<int>, int, ArrayView<int>>(EvolutionKernels.ColumnCounts);
        scatterIncoming = accelerator.LoadStreamKernel<ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<long>>(
            EvolutionKernels.ScatterIncoming);
        unpackIncoming = accelerator.LoadStreamKernel<ArrayView<long>, int, ArrayView<int>, ArrayView<int>>(
            EvolutionKernels.UnpackIncoming);
        compact = accelerator.LoadStreamKernel<ArrayView<long>, ArrayView<int>, ArrayView<int>, int, ArrayView<long>>(
            EvolutionKernels.CompactPositions);
        mergeSorted = accelerator.LoadStreamKernel<ArrayView<long>, int, ArrayView<long>, int, ArrayView<long>>(EvolutionKernels.MergeSorted);
        rowEmpties = accelerator.LoadStreamKernel<ArrayView<int>, int, int, ArrayView<int>>(EvolutionKernels.RowEmpties);
        enumerateEmpty = accelerator.LoadStreamKernel<SourceRows, int, int, ArrayView<int>, ulong, ArrayView<ulong>,
            ArrayView<long>>(EvolutionKernels.EnumerateEmpty);
        newRowCounts = accelerator.LoadStreamKernel<ArrayView<int>, int, int, ArrayView<long>, int, ArrayView<int>>(
            EvolutionKernels.NewRowCounts);
        mergeRows = accelerator.LoadStreamKernel<SourceRows, TargetRows, int, int, ArrayView<long>, int, RegrowthInit>(
            EvolutionKernels.MergeRows);
        scan = new DeviceScan(accelerator);
    }

    /// <summary>
    /// Largest sparse-mode chunk of candidates (tests set it small to exercise the merge of several chunks; the
    /// result never depends on it).
    /// </summary>
    internal int MaxChunk { get; set; } = int.MaxValue / 2;

    /// <summary>
    /// Evolves one layer in place on the device: same result as <see cref="SparseEvolution.EvolveLayer"/> on the
    /// host copy. The layer gets new CSR and incoming-index buffers (unless nothing is pruned, when it is unchanged).
    /// </summary>
    public LayerEvolution EvolveLayer(DeviceLayer layer, int layerIndex, double zeta, ulong seed, int epoch)
    {
        if (!ReferenceEquals(layer.Accelerator, accelerator))
            throw new ArgumentException("the layer lives on another accelerator", nameof(layer));
        if (!(zeta >= 0 && zeta <= 1)) throw new ArgumentOutOfRangeException(nameof(zeta), zeta, "ζ must be in [0, 1]");
        int nnz = layer.Connections;
        if (nnz == 0) return new LayerEvolution(layerIndex, default, 0, 0);

        using var scratch = new Scratch(accelerator);
        var removed = scratch.Alloc<byte>(nnz);
        var survivors = scratch.Alloc<int>(layer.Inputs);
        var prune = Prune(layer, zeta, removed, survivors, scratch);
        long count = prune.Removed;
        if (count == 0) return new LayerEvolution(layerIndex, prune, 0, nnz);

        var old = new SourceRows
        {
            Offsets = layer.RowOffsets.View, Columns = layer.Columns.View, Removed = removed.View,
            Weights = layer.Weights.View, Velocity = layer.Velocity.View,
        };
        long positions = (long)layer.Inputs * layer.Outputs, taken = nnz - count;
        ulong regrowthKey = CounterRng.Key(seed, RngStream.Regrowth, layerIndex, epoch);
        var accepted = Regrowth.UsesDenseMode(positions, taken, count)
            ? SelectDense(layer, old, survivors, taken, (int)count, regrowthKey, scratch)
            : SelectSparse(layer, old, taken, (int)count, regrowthKey, scratch);
        Rebuild(layer, old, survivors, accepted, (int)count,
                CounterRng.Key(seed, RngStream.RegrowthWeights, layerIndex, epoch), scratch);
        return new LayerEvolution(layerIndex, prune, count, layer.Connections);
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

    PruneResult Prune(DeviceLayer layer, double zeta, MemoryBuffer1D<byte, Stride1D.Dense> removed,
                      MemoryBuffer1D<int, Stride1D.Dense> survivors, Scratch scratch)
    {
        int nnz = layer.Connections;
        var hist = scratch.Alloc<int>(2 * EvolutionKernels.BinsPerSign);
        var bins = new int[2 * EvolutionKernels.BinsPerSign];
        var config = Launch.For(accelerator, nnz);

        long negatives = 0;
        Select neg = default, pos = default;
        for (int pass = 0; pass < Pruning.Digits.Length; pass++)
        {
            var (shift, bits) = Pruning.Digits[pass];
            var (prefixNeg, maskNeg) = pass == 0 ? (0u, 0u) : neg.Filter;
            var (prefixPos, maskPos) = pass == 0 ? (0u, 0u) : pos.Filter;
            hist.MemSetToZero();
            histogram(config, layer.Weights.View, nnz, hist.View, new HistogramPass
            {
                PrefixNeg = prefixNeg, MaskNeg = maskNeg, PrefixPos = prefixPos, MaskPos = maskPos,
                Shift = shift, DigitMask = (1u << bits) - 1,
            });
            accelerator.Synchronize();
            hist.View.CopyToCPU(bins);
            if (pass == 0)
            {
                // The first pass counts every key: its bins sum to the sign counts.
                for (int b = 0; b < EvolutionKernels.BinsPerSign; b++) negatives += bins[b];
                neg = new Select(Pruning.RemovalCount(negatives, zeta));
                pos = new Select(Pruning.RemovalCount(nnz - negatives, zeta));
                if (neg.K == 0 && pos.K == 0) return new PruneResult(negatives, nnz - negatives, 0, 0, 0f, 0f);
            }
            neg.Step(bins.AsSpan(0, EvolutionKernels.BinsPerSign), shift, bits);
            pos.Step(bins.AsSpan(EvolutionKernels.BinsPerSign), shift, bits);
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
            tieFlags(config, layer.Weights.View, nnz, flags.View, thresholds);
            scan.Exclusive(flags.View, ranks.View, scratch.ScanTemp<long>(scan, nnz));
        }
        markRemovals(Launch.For(accelerator, layer.Inputs), layer.RowOffsets.View, layer.Inputs, layer.Weights.View,
                     ranks.View, thresholds, removed.View, survivors.View);
        return new PruneResult(negatives, nnz - negatives, neg.K, pos.K,
            neg.K > 0 ? BitConverter.UInt32BitsToSingle(neg.Prefix) : 0f,
            pos.K > 0 ? BitConverter.UInt32BitsToSingle(pos.Prefix) : 0f);
    }

    /// <summary>
    /// Sparse mode: the first <paramref name="count"/> distinct empty candidates in counter order, as ascending
    /// positions. Chunked as the host does (the chunking changes only the work, never the result).
    /// </summary>
    ArrayView<long> SelectSparse(DeviceLayer layer, SourceRows old, long taken, int count, ulong key, Scratch scratch)
    {
        long positions = (long)layer.Inputs * layer.Outputs;
        ArrayView<long> accepted = scratch.Alloc<long>(1).View; // placeholder: acceptedCount says how much is valid
        int acceptedCount = 0;
        long counter = 0;
        while (acceptedCount < count)
        {
            int need = count - acceptedCount;
            long empty = positions - taken - acceptedCount;
            int chunk = (int)Math.Min(MaxChunk, (long)(need * (double)positions / empty * 1.02) + 64 + need / 64);
            using var local = new Scratch(accelerator);
            var config = Launch.For(accelerator, chunk);

            int rows = layer.Inputs, columns = layer.Outputs;
            var rowCounts = local.Alloc<int>(rows + 1);
            rowCounts.MemSetToZero();
            candidateRowCounts(config, key, counter, chunk, positions, columns, rowCounts.View);
            var rowOffsets = local.Alloc<int>(rows + 1);
            scan.Exclusive(rowCounts.View, rowOffsets.View, local.ScanTemp<int>(scan, rows + 1));
            var fill = local.Alloc<int>(rows);
            var rowConfig = Launch.For(accelerator, rows);
            rowOffsets.View.SubView(0, rows).CopyTo(accelerator.DefaultStream, fill.View);
            var entries = local.Alloc<long>(chunk);
            scatterCandidates(config, key, counter, chunk, positions, columns, fill.View, entries.View);
            sortBuckets(rowConfig, rowOffsets.View, rows, entries.View);

            var valid = local.Alloc<int>(chunk);
            valid.MemSetToZero();
            var sortedPositions = local.Alloc<long>(chunk);
            validateRows(rowConfig, rowOffsets.View, rows, entries.View, old, columns, accepted, acceptedCount, valid.View,
                         sortedPositions.View);
            var ranks = local.Alloc<int>(chunk);
            scan.Exclusive(valid.View, ranks.View, local.ScanTemp<int>(scan, chunk));

            var flags = local.Alloc<int>(chunk + 1);
            acceptSorted(Launch.For(accelerator, chunk + 1), entries.View, valid.View, ranks.View, chunk, need, flags.View);
            var slots = local.Alloc<int>(chunk + 1);
            scan.Exclusive(flags.View, slots.View, local.ScanTemp<int>(scan, chunk + 1));
            accelerator.Synchronize();
            int got = slots.View.SubView(chunk, 1).GetAsArray1D()[0];

            if (got > 0)
            {
                var chosen = scratch.Alloc<long>(got);
                compact(config, sortedPositions.View, flags.View, slots.View, chunk, chosen.View);
                if (acceptedCount == 0) accepted = chosen.View;
                else
                {
                    var merged = scratch.Alloc<long>(acceptedCount + got);
                    mergeSorted(Launch.For(accelerator, acceptedCount + got), accepted, acceptedCount, chosen.View, got,
                                merged.View);
                    accepted = merged.View;
                }
                acceptedCount += got;
            }
            counter += chunk;
        }
        return accepted;
    }

    /// <summary>Dense mode: the <paramref name="count"/> empty positions with the smallest Hash(key, position), ascending.</summary>
    ArrayView<long> SelectDense(DeviceLayer layer, SourceRows old, MemoryBuffer1D<int, Stride1D.Dense> survivors, long taken,
                                int count, ulong key, Scratch scratch)
    {
        int rows = layer.Inputs, columns = layer.Outputs;
        long emptyCount = (long)rows * columns - taken;
        if (emptyCount > int.MaxValue)
            throw new InvalidOperationException($"dense-mode regrowth over {emptyCount} empty positions is too large");
        int empty = (int)emptyCount;

        var empties = scratch.Alloc<int>(rows + 1);
        rowEmpties(Launch.For(accelerator, rows + 1), survivors.View, rows, columns, empties.View);
        var emptyOffsets = scratch.Alloc<int>(rows + 1);
        scan.Exclusive(empties.View, emptyOffsets.View, scratch.ScanTemp<int>(scan, rows + 1));

        var hashes = scratch.Alloc<ulong>(empty);
        var linear = scratch.Alloc<long>(empty);
        enumerateEmpty(Launch.For(accelerator, rows), old, rows, columns, emptyOffsets.View, key, hashes.View, linear.View);

        // Radix select of the count-th smallest hash, 16 bits at a time from the top. Hash(key, ·) is a bijection of
        // the 64-bit counter (odd multiplier, xor with a constant, invertible mixes), so distinct positions never tie
        // and exactly count positions have a hash at or below it.
        var hist = scratch.Alloc<int>(EvolutionKernels.HashBins);
        var bins = new int[EvolutionKernels.HashBins];
        var config = Launch.For(accelerator, empty);
        ulong prefix = 0, mask = 0;
        long rank = count;
        for (int shift = 48; shift >= 0; shift -= 16)
        {
            hist.MemSetToZero();
            hashHistogram(config, hashes.View, empty, prefix, mask, shift, hist.View);
            accelerator.Synchronize();
            hist.View.CopyToCPU(bins);
            int digit = 0;
            while (rank > bins[digit])
            {
                rank -= bins[digit];
                digit++;
            }
            prefix |= (ulong)digit << shift;
            mask |= 0xFFFFUL << shift;
        }

        var chosen = scratch.Alloc<int>(empty + 1);
        markAtMost(Launch.For(accelerator, empty + 1), hashes.View, empty, prefix, chosen.View);
        var slots = scratch.Alloc<int>(empty + 1);
        scan.Exclusive(chosen.View, slots.View, scratch.ScanTemp<int>(scan, empty + 1));
        var accepted = scratch.Alloc<long>(count);
        compact(config, linear.View, chosen.View, slots.View, empty, accepted.View);
        return accepted.View;
    }

    /// <summary>
    /// The launch of a scatter into buckets. On ILGPU's CPU accelerator one thread, in index order, so that the
    /// buckets come out sorted and <see cref="EvolutionKernels.SortBuckets"/> only reads them: sorting buckets filled
    /// by two interleaved threads cost more than the second thread saves.
    /// </summary>
    KernelConfig InOrder(int items) =>
        accelerator.AcceleratorType == AcceleratorType.CPU ? new KernelConfig(1, 1) : Launch.For(accelerator, items);

    /// <summary>Per-row merge of survivors and accepted positions into new buffers, and the incoming index.</summary>
    void Rebuild(DeviceLayer layer, SourceRows old, MemoryBuffer1D<int, Stride1D.Dense> survivors, ArrayView<long> accepted,
                 int count, ulong weightKey, Scratch scratch)
    {
        int rows = layer.Inputs, columns = layer.Outputs, nnz = layer.Connections;
        var counts = scratch.Alloc<int>(rows + 1);
        newRowCounts(Launch.For(accelerator, rows + 1), survivors.View, rows, columns, accepted, count, counts.View);

        var owned = new Scratch(accelerator);
        try
        {
            var offsets = owned.Alloc<int>(rows + 1);
            scan.Exclusive(counts.View, offsets.View, scratch.ScanTemp<int>(scan, rows + 1));
            accelerator.Synchronize();
            int total = offsets.View.SubView(rows, 1).GetAsArray1D()[0];
            if (total != nnz)
                throw new InvalidOperationException($"device evolution produced {total} connections instead of {nnz}");

            var newColumns = owned.Alloc<int>(nnz);
            var weights = owned.Alloc<float>(nnz);
            var velocity = owned.Alloc<float>(nnz);
            var newRows = scratch.Alloc<int>(nnz);
            var target = new TargetRows
            {
                Offsets = offsets.View, Columns = newColumns.View, Weights = weights.View, Velocity = velocity.View,
                Rows = newRows.View,
            };
            var init = new RegrowthInit { Kind = (int)layer.Init.Kind, Scale = layer.Init.Scale, Key = weightKey };
            mergeRows(Launch.For(accelerator, rows), old, target, rows, columns, accepted, count, init);

            // Incoming index: counting sort by column, then each column's bucket sorted by row.
            var entryConfig = Launch.For(accelerator, nnz);
            var columnCount = scratch.Alloc<int>(columns + 1);
            columnCount.MemSetToZero();
            columnCounts(entryConfig, newColumns.View, nnz, columnCount.View);
            var incomingOffsets = owned.Alloc<int>(columns + 1);
            scan.Exclusive(columnCount.View, incomingOffsets.View, scratch.ScanTemp<int>(scan, columns + 1));
            var fill = scratch.Alloc<int>(columns);
            var columnConfig = Launch.For(accelerator, columns);
            incomingOffsets.View.SubView(0, columns).CopyTo(accelerator.DefaultStream, fill.View);
            var entries = scratch.Alloc<long>(nnz);
            scatterIncoming(InOrder(nnz), newColumns.View, newRows.View, nnz, fill.View, entries.View);
            sortBuckets(columnConfig, incomingOffsets.View, columns, entries.View);
            var incomingInputs = owned.Alloc<int>(nnz);
            var weightIndex = owned.Alloc<int>(nnz);
            unpackIncoming(entryConfig, entries.View, nnz, incomingInputs.View, weightIndex.View);
            accelerator.Synchronize();
            layer.ReplaceConnections(offsets, newColumns, weights, velocity, incomingOffsets, incomingInputs, weightIndex);
            owned.Release();
        }
        finally
        {
            owned.Dispose();
        }
    }

    /// <summary>Nothing to free: the kernels and scan objects belong to the accelerator.</summary>
    public void Dispose()
    {
    }

    /// <summary>Device buffers freed together (after the stream has finished with them).</summary>
    sealed class Scratch(Accelerator accelerator) : IDisposable
    {
        readonly List<MemoryBuffer> buffers = [];

        /// <summary>A buffer of exactly <paramref name="length"/> elements (at least one is allocated for an empty one).</summary>
        public MemoryBuffer1D<T, Stride1D.Dense> Alloc<T>(long length) where T : unmanaged
        {
            if (length <= 0) throw new ArgumentOutOfRangeException(nameof(length), "scratch buffers must not be empty");
            var buffer = accelerator.Allocate1D<T>(length);
            buffers.Add(buffer);
            return buffer;
        }

        /// <summary>Temporary storage of an exclusive scan over <paramref name="length"/> elements of <typeparamref name="T"/>.</summary>
        public ArrayView<int> ScanTemp<T>(DeviceScan scan, long length) where T : unmanaged =>
            Alloc<int>(Math.Max(1L, scan.TempInts<T>(length))).View;

        /// <summary>Keeps the buffers (they now belong to someone else).</summary>
        public void Release() => buffers.Clear();

        public void Dispose()
        {
            if (buffers.Count == 0) return;
            accelerator.Synchronize();
            foreach (var buffer in buffers) buffer.Dispose();
            buffers.Clear();
        }
    }
}
