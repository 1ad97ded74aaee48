using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.RadixSortOperations;
using ILGPU.Algorithms.ScanReduceOperations;
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
/// <item>Regrowth, sparse mode: chunks of candidates (position, counter) sorted by position with radix-sort pairs;
/// the head of each run of equal positions takes the run's smallest counter (so the sort need not be stable),
/// checks the position against the surviving old row and the positions accepted by earlier chunks; an exclusive
/// scan over counters ranks the valid ones and the first <c>need</c> are compacted in position order and merged
/// into the accepted list. Dense mode: every empty position with Hash(key, position) sorted by hash (the hash is a
/// bijection of the position, so no ties), the first <c>count</c> marked and compacted in position order.</item>
/// <item>Rebuild: new row lengths (survivors + accepted in the row), exclusive scan for the offsets, a per-row merge
/// writing columns, weights and momenta, and the incoming index by radix-sort pairs on (column &lt;&lt; 32 | row).</item>
/// </list>
/// Scratch memory is O(nnz) (O(rows · columns) only in dense mode, where that is O(nnz)) and freed before returning.
/// Not thread safe: one evolution at a time per instance.
/// </summary>
internal sealed class DeviceEvolution : IDisposable
{
    readonly Accelerator accelerator;
    readonly Action<KernelConfig, ArrayView<float>, int, ArrayView<int>, HistogramPass> histogram;
    readonly Action<KernelConfig, ArrayView<float>, int, ArrayView<long>, PruneThresholds> tieFlags;
    readonly Action<KernelConfig, ArrayView<int>, int, ArrayView<float>, ArrayView<long>, PruneThresholds, ArrayView<byte>, ArrayView<int>> markRemovals;
    readonly Action<KernelConfig, ArrayView<ulong>, ArrayView<int>, int, ulong, long, long> candidates;
    readonly Action<KernelConfig, ArrayView<ulong>, ArrayView<int>, int, SourceRows, int, ArrayView<long>, int, ArrayView<int>> validate;
    readonly Action<KernelConfig, ArrayView<int>, ArrayView<int>, int, int, ArrayView<int>> acceptFlags;
    readonly Action<KernelConfig, ArrayView<long>, ArrayView<int>, ArrayView<int>, int, ArrayView<long>> compact;
    readonly Action<KernelConfig, ArrayView<long>, int, ArrayView<long>, int, ArrayView<long>> mergeSorted;
    readonly Action<KernelConfig, ArrayView<int>, int, int, ArrayView<int>> rowEmpties;
    readonly Action<KernelConfig, SourceRows, int, int, ArrayView<int>, ulong, ArrayView<ulong>, ArrayView<int>, ArrayView<long>> enumerateEmpty;
    readonly Action<KernelConfig, ArrayView<int>, int, ArrayView<int>> markChosen;
    readonly Action<KernelConfig, ArrayView<int>, int, int, ArrayView<long>, int, ArrayView<int>> newRowCounts;
    readonly Action<KernelConfig, SourceRows, TargetRows, int, int, ArrayView<long>, int, RegrowthInit> mergeRows;
    readonly Action<KernelConfig, ArrayView<ulong>, int, int, ArrayView<int>, ArrayView<int>> incomingFinish;
    readonly Scan<int, Stride1D.Dense, Stride1D.Dense> scanInt;
    readonly Scan<long, Stride1D.Dense, Stride1D.Dense> scanLong;
    readonly RadixSortPairs<ulong, Stride1D.Dense, int, Stride1D.Dense> sortPairs;

    /// <summary>Compiles the kernels and the scan and sort operations for <paramref name="accelerator"/> once.</summary>
    public DeviceEvolution(Accelerator accelerator)
    {
        this.accelerator = accelerator;
        histogram = accelerator.LoadStreamKernel<ArrayView<float>, int, ArrayView<int>, HistogramPass>(EvolutionKernels.MagnitudeHistogram);
        tieFlags = accelerator.LoadStreamKernel<ArrayView<float>, int, ArrayView<long>, PruneThresholds>(EvolutionKernels.TieFlags);
        markRemovals = accelerator.LoadStreamKernel<ArrayView<int>, int, ArrayView<float>, ArrayView<long>, PruneThresholds,
            ArrayView<byte>, ArrayView<int>>(EvolutionKernels.MarkRemovals);
        candidates = accelerator.LoadStreamKernel<ArrayView<ulong>, ArrayView<int>, int, ulong, long, long>(EvolutionKernels.Candidates);
        validate = accelerator.LoadStreamKernel<ArrayView<ulong>, ArrayView<int>, int, SourceRows, int, ArrayView<long>, int,
            ArrayView<int>>(EvolutionKernels.ValidateCandidates);
        acceptFlags = accelerator.LoadStreamKernel<ArrayView<int>, ArrayView<int>, int, int, ArrayView<int>>(EvolutionKernels.AcceptFlags);
        compact = accelerator.LoadStreamKernel<ArrayView<long>, ArrayView<int>, ArrayView<int>, int, ArrayView<long>>(
            EvolutionKernels.CompactPositions);
        mergeSorted = accelerator.LoadStreamKernel<ArrayView<long>, int, ArrayView<long>, int, ArrayView<long>>(EvolutionKernels.MergeSorted);
        rowEmpties = accelerator.LoadStreamKernel<ArrayView<int>, int, int, ArrayView<int>>(EvolutionKernels.RowEmpties);
        enumerateEmpty = accelerator.LoadStreamKernel<SourceRows, int, int, ArrayView<int>, ulong, ArrayView<ulong>, ArrayView<int>,
            ArrayView<long>>(EvolutionKernels.EnumerateEmpty);
        markChosen = accelerator.LoadStreamKernel<ArrayView<int>, int, ArrayView<int>>(EvolutionKernels.MarkChosen);
        newRowCounts = accelerator.LoadStreamKernel<ArrayView<int>, int, int, ArrayView<long>, int, ArrayView<int>>(
            EvolutionKernels.NewRowCounts);
        mergeRows = accelerator.LoadStreamKernel<SourceRows, TargetRows, int, int, ArrayView<long>, int, RegrowthInit>(
            EvolutionKernels.MergeRows);
        incomingFinish = accelerator.LoadStreamKernel<ArrayView<ulong>, int, int, ArrayView<int>, ArrayView<int>>(
            EvolutionKernels.IncomingFinish);
        scanInt = accelerator.CreateScan<int, Stride1D.Dense, Stride1D.Dense, AddInt32>(ScanKind.Exclusive);
        scanLong = accelerator.CreateScan<long, Stride1D.Dense, Stride1D.Dense, AddInt64>(ScanKind.Exclusive);
        sortPairs = accelerator.CreateRadixSortPairs<ulong, Stride1D.Dense, int, Stride1D.Dense, AscendingUInt64>();
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
            scanLong(accelerator.DefaultStream, flags.View, ranks.View, scratch.ScanTemp<long>(nnz));
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

            var keys = local.Alloc<ulong>(chunk);
            var values = local.Alloc<int>(chunk);
            candidates(config, keys.View, values.View, chunk, key, counter, positions);
            sortPairs(accelerator.DefaultStream, keys.View, values.View, local.SortTemp(chunk));

            var valid = local.Alloc<int>(chunk);
            valid.MemSetToZero();
            validate(config, keys.View, values.View, chunk, old, layer.Outputs, accepted, acceptedCount, valid.View);
            var ranks = local.Alloc<int>(chunk);
            scanInt(accelerator.DefaultStream, valid.View, ranks.View, local.ScanTemp<int>(chunk));

            var flags = local.Alloc<int>(chunk + 1);
            acceptFlags(config, values.View, ranks.View, chunk, need, flags.View);
            var slots = local.Alloc<int>(chunk + 1);
            scanInt(accelerator.DefaultStream, flags.View, slots.View, local.ScanTemp<int>(chunk + 1));
            accelerator.Synchronize();
            int got = slots.View.SubView(chunk, 1).GetAsArray1D()[0];

            if (got > 0)
            {
                var chosen = scratch.Alloc<long>(got);
                compact(config, ((ArrayView<ulong>)keys.View).Cast<long>(), flags.View, slots.View, chunk, chosen.View);
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
        scanInt(accelerator.DefaultStream, empties.View, emptyOffsets.View, scratch.ScanTemp<int>(rows + 1));

        var hashes = scratch.Alloc<ulong>(empty);
        var order = scratch.Alloc<int>(empty);
        var linear = scratch.Alloc<long>(empty);
        enumerateEmpty(Launch.For(accelerator, rows), old, rows, columns, emptyOffsets.View, key, hashes.View, order.View,
                       linear.View);
        // Hash(key, ·) is a bijection of the 64-bit counter (odd multiplier, xor with a constant, invertible mixes),
        // so distinct positions never tie and the order by (hash, position) is the order by hash.
        sortPairs(accelerator.DefaultStream, hashes.View, order.View, scratch.SortTemp(empty));

        var chosen = scratch.Alloc<int>(empty + 1);
        chosen.MemSetToZero();
        markChosen(Launch.For(accelerator, count), order.View, count, chosen.View);
        var slots = scratch.Alloc<int>(empty + 1);
        scanInt(accelerator.DefaultStream, chosen.View, slots.View, scratch.ScanTemp<int>(empty + 1));
        var accepted = scratch.Alloc<long>(count);
        compact(Launch.For(accelerator, empty), linear.View, chosen.View, slots.View, empty, accepted.View);
        return accepted.View;
    }

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
            scanInt(accelerator.DefaultStream, counts.View, offsets.View, scratch.ScanTemp<int>(rows + 1));
            accelerator.Synchronize();
            int total = offsets.View.SubView(rows, 1).GetAsArray1D()[0];
            if (total != nnz)
                throw new InvalidOperationException($"device evolution produced {total} connections instead of {nnz}");

            var newColumns = owned.Alloc<int>(nnz);
            var weights = owned.Alloc<float>(nnz);
            var velocity = owned.Alloc<float>(nnz);
            var incomingKeys = scratch.Alloc<ulong>(nnz);
            var weightIndex = owned.Alloc<int>(nnz);
            var target = new TargetRows
            {
                Offsets = offsets.View, Columns = newColumns.View, Weights = weights.View, Velocity = velocity.View,
                IncomingKeys = incomingKeys.View, IncomingWeightIndex = weightIndex.View,
            };
            var init = new RegrowthInit { Kind = (int)layer.Init.Kind, Scale = layer.Init.Scale, Key = weightKey };
            mergeRows(Launch.For(accelerator, rows), old, target, rows, columns, accepted, count, init);

            sortPairs(accelerator.DefaultStream, incomingKeys.View, weightIndex.View, scratch.SortTemp(nnz));
            var incomingOffsets = owned.Alloc<int>(columns + 1);
            var incomingInputs = owned.Alloc<int>(nnz);
            incomingFinish(Launch.For(accelerator, (long)nnz + columns + 1), incomingKeys.View, nnz, columns,
                           incomingOffsets.View, incomingInputs.View);
            accelerator.Synchronize();
            layer.ReplaceConnections(offsets, newColumns, weights, velocity, incomingOffsets, incomingInputs, weightIndex);
            owned.Release();
        }
        finally
        {
            owned.Dispose();
        }
    }

    /// <summary>Nothing to free: the kernels and algorithm objects belong to the accelerator.</summary>
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
        public ArrayView<int> ScanTemp<T>(long length) where T : unmanaged =>
            Alloc<int>(Math.Max(1L, accelerator.ComputeScanTempStorageSize<T>(length))).View;

        /// <summary>Temporary storage of a (ulong key, int value) radix sort over <paramref name="length"/> pairs.</summary>
        public ArrayView<int> SortTemp(int length) =>
            Alloc<int>(Math.Max(1L, accelerator.ComputeRadixSortPairsTempStorageSize<ulong, int, AscendingUInt64>(length))).View;

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
