using ILGPU;
using ILGPU.Runtime;
using SetGpu.Evolution;
using SetGpu.Gpu.Kernels;

namespace SetGpu.Gpu;

/// <summary>
/// Regrowth, the second stage of <see cref="DeviceEvolution"/> (kernels: <see cref="RegrowthKernels"/>,
/// <see cref="BucketSortKernel"/>), choosing exactly the positions <see cref="Regrowth.SelectEmpty"/> (its CPU twin)
/// chooses:
/// <list type="bullet">
/// <item>Sparse mode: a chunk of candidates is bucketed by row (histogram with int atomics, exclusive scan, atomic
/// scatter of (column &lt;&lt; 32 | counter)), each row's bucket is sorted by one work item (insertion sort, heapsort
/// when that takes too many moves), and the first entry of each column (the smallest counter at that position) is
/// valid if the position is neither a surviving connection nor accepted by an earlier chunk; an exclusive scan over
/// counters ranks the valid ones and the first <c>need</c> are compacted in position order and merged into the
/// accepted list.</item>
/// <item>Dense mode: every empty position with Hash(key, position); a four-pass radix select (16-bit digits, the host
/// picking each digit from the downloaded histogram) finds the <c>count</c>-th smallest hash (the hash is a bijection
/// of the position, so no ties), and the positions at or below it are compacted in position order.</item>
/// </list>
/// </summary>
internal sealed class DeviceRegrowth
{
    readonly Accelerator accelerator;
    readonly DeviceScan scan;
    readonly Action<KernelConfig, ulong, long, int, long, int, ArrayView<int>> candidateRowCounts;
    readonly Action<KernelConfig, ulong, long, int, long, int, ArrayView<int>, ArrayView<long>> scatterCandidates;
    readonly Action<KernelConfig, ArrayView<int>, int, ArrayView<long>> sortBuckets;
    readonly Action<KernelConfig, ArrayView<int>, int, ArrayView<long>, SourceRows, int, ArrayView<long>, int, ArrayView<int>,
        ArrayView<long>> validateRows;
    readonly Action<KernelConfig, ArrayView<long>, ArrayView<int>, ArrayView<int>, int, int, ArrayView<int>> acceptSorted;
    readonly Action<KernelConfig, ArrayView<long>, ArrayView<int>, ArrayView<int>, int, ArrayView<long>> compact;
    readonly Action<KernelConfig, ArrayView<long>, int, ArrayView<long>, int, ArrayView<long>> mergeSorted;
    readonly Action<KernelConfig, ArrayView<int>, int, int, ArrayView<int>> rowEmpties;
    readonly Action<KernelConfig, SourceRows, int, int, ArrayView<int>, ulong, ArrayView<ulong>, ArrayView<long>> enumerateEmpty;
    readonly Action<KernelConfig, ArrayView<ulong>, int, ulong, ulong, int, ArrayView<int>> hashHistogram;
    readonly Action<KernelConfig, ArrayView<ulong>, int, ulong, ArrayView<int>> markAtMost;

    /// <summary>Compiles the kernels for <paramref name="accelerator"/> once; the ranks and compactions use <paramref name="scan"/>.</summary>
    public DeviceRegrowth(Accelerator accelerator, DeviceScan scan)
    {
        this.accelerator = accelerator;
        this.scan = scan;
        candidateRowCounts = accelerator.LoadStreamKernel<ulong, long, int, long, int, ArrayView<int>>(RegrowthKernels.CandidateRowCounts);
        scatterCandidates = accelerator.LoadStreamKernel<ulong, long, int, long, int, ArrayView<int>, ArrayView<long>>(
            RegrowthKernels.ScatterCandidates);
        sortBuckets = accelerator.LoadStreamKernel<ArrayView<int>, int, ArrayView<long>>(BucketSortKernel.SortBuckets);
        validateRows = accelerator.LoadStreamKernel<ArrayView<int>, int, ArrayView<long>, SourceRows, int, ArrayView<long>, int,
            ArrayView<int>, ArrayView<long>>(RegrowthKernels.ValidateRows);
        acceptSorted = accelerator.LoadStreamKernel<ArrayView<long>, ArrayView<int>, ArrayView<int>, int, int, ArrayView<int>>(
            RegrowthKernels.AcceptSorted);
        compact = accelerator.LoadStreamKernel<ArrayView<long>, ArrayView<int>, ArrayView<int>, int, ArrayView<long>>(
            RegrowthKernels.CompactPositions);
        mergeSorted = accelerator.LoadStreamKernel<ArrayView<long>, int, ArrayView<long>, int, ArrayView<long>>(RegrowthKernels.MergeSorted);
        rowEmpties = accelerator.LoadStreamKernel<ArrayView<int>, int, int, ArrayView<int>>(RegrowthKernels.RowEmpties);
        enumerateEmpty = accelerator.LoadStreamKernel<SourceRows, int, int, ArrayView<int>, ulong, ArrayView<ulong>,
            ArrayView<long>>(RegrowthKernels.EnumerateEmpty);
        hashHistogram = accelerator.LoadStreamKernel<ArrayView<ulong>, int, ulong, ulong, int, ArrayView<int>>(RegrowthKernels.HashHistogram);
        markAtMost = accelerator.LoadStreamKernel<ArrayView<ulong>, int, ulong, ArrayView<int>>(RegrowthKernels.MarkAtMost);
    }

    /// <summary>
    /// Largest sparse-mode chunk of candidates (tests set it small to exercise the merge of several chunks; the
    /// result never depends on it).
    /// </summary>
    internal int MaxChunk { get; set; } = int.MaxValue / 2;

    /// <summary>
    /// The <paramref name="count"/> new positions of <paramref name="layer"/> (linear, row · columns + column,
    /// ascending) among those that <paramref name="old"/> leaves empty (<paramref name="taken"/> connections survive,
    /// <paramref name="survivors"/> per row), drawn under <paramref name="key"/>: the positions
    /// <see cref="Regrowth.SelectEmpty"/> gives on the host. The list lives in <paramref name="scratch"/>.
    /// </summary>
    public ArrayView<long> SelectEmpty(DeviceLayer layer, SourceRows old, MemoryBuffer1D<int, Stride1D.Dense> survivors, long taken,
                                       int count, ulong key, DeviceScratch scratch) =>
        Regrowth.UsesDenseMode((long)layer.Inputs * layer.Outputs, taken, count)
            ? SelectDense(layer, old, survivors, taken, count, key, scratch)
            : SelectSparse(layer, old, taken, count, key, scratch);

    /// <summary>
    /// Sparse mode: the first <paramref name="count"/> distinct empty candidates in counter order, as ascending
    /// positions. Chunked as the host does (the chunking changes only the work, never the result).
    /// </summary>
    ArrayView<long> SelectSparse(DeviceLayer layer, SourceRows old, long taken, int count, ulong key, DeviceScratch scratch)
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
            using var local = new DeviceScratch(accelerator);
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
                                int count, ulong key, DeviceScratch scratch)
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
        var hist = scratch.Alloc<int>(RegrowthKernels.HashBins);
        var bins = new int[RegrowthKernels.HashBins];
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

}
