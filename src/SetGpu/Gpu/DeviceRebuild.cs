using ILGPU;
using ILGPU.Runtime;
using SetGpu.Evolution;
using SetGpu.Gpu.Kernels;
using Floats = ILGPU.Runtime.MemoryBuffer1D<float, ILGPU.Stride1D.Dense>;
using Ints = ILGPU.Runtime.MemoryBuffer1D<int, ILGPU.Stride1D.Dense>;

namespace SetGpu.Gpu;

/// <summary>
/// A layer's connections in device memory: CSR arrays, values, the optimiser's state arrays and the incoming index (see
/// <see cref="DeviceLayer"/>).
/// </summary>
internal sealed record DeviceConnections(Ints RowOffsets, Ints Columns, Floats Weights, Floats[] State, Ints IncomingOffsets,
                                         Ints IncomingInputs, Ints IncomingWeightIndex) : IDisposable
{
    /// <summary>The first state array (SGD's momentum).</summary>
    public Floats Velocity => State[0];

    /// <summary>Frees the buffers (only while no layer has taken them).</summary>
    public void Dispose()
    {
        foreach (var buffer in new MemoryBuffer[] { RowOffsets, Columns, Weights, IncomingOffsets, IncomingInputs, IncomingWeightIndex }.Concat(State))
            buffer.Dispose();
    }
}

/// <summary>
/// CSR rebuild and incoming index, the third stage of <see cref="DeviceEvolution"/> (kernels:
/// <see cref="CsrRebuildKernels"/>, <see cref="IncomingIndexKernels"/>, <see cref="BucketSortKernel"/>): new row lengths
/// (survivors + accepted in the row), an exclusive scan for the offsets, a per-row merge writing columns, weights and
/// optimiser state, and the incoming index by a counting sort on the column (histogram, scan, atomic scatter) followed by a
/// per-column sort of each bucket by row (on ILGPU's CPU accelerator the scatter runs in order, so the sort only
/// reads the buckets). CPU twins: <see cref="CsrRebuild"/> and <see cref="SetGpu.Sparse.IncomingIndex.Build"/>.
/// </summary>
internal sealed class DeviceRebuild
{
    readonly Accelerator accelerator;
    readonly DeviceScan scan;
    readonly Action<KernelConfig, ArrayView<int>, int, int, ArrayView<long>, int, ArrayView<int>> newRowCounts;
    readonly Action<KernelConfig, SourceRows, TargetRows, int, int, ArrayView<long>, int, RegrowthInit> mergeRows;
    readonly Action<KernelConfig, ArrayView<int>, int, ArrayView<int>> columnCounts;
    readonly Action<KernelConfig, ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<long>> scatterIncoming;
    readonly Action<KernelConfig, ArrayView<int>, int, ArrayView<long>> sortBuckets;
    readonly Action<KernelConfig, ArrayView<long>, int, ArrayView<int>, ArrayView<int>> unpackIncoming;

    /// <summary>Compiles the kernels for <paramref name="accelerator"/> once; the offsets use <paramref name="scan"/>.</summary>
    public DeviceRebuild(Accelerator accelerator, DeviceScan scan)
    {
        this.accelerator = accelerator;
        this.scan = scan;
        newRowCounts = accelerator.LoadStreamKernel<ArrayView<int>, int, int, ArrayView<long>, int, ArrayView<int>>(
            CsrRebuildKernels.NewRowCounts);
        mergeRows = accelerator.LoadStreamKernel<SourceRows, TargetRows, int, int, ArrayView<long>, int, RegrowthInit>(
            CsrRebuildKernels.MergeRows);
        columnCounts = accelerator.LoadStreamKernel<ArrayView<int>, int, ArrayView<int>>(IncomingIndexKernels.ColumnCounts);
        scatterIncoming = accelerator.LoadStreamKernel<ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<long>>(
            IncomingIndexKernels.ScatterIncoming);
        sortBuckets = accelerator.LoadStreamKernel<ArrayView<int>, int, ArrayView<long>>(BucketSortKernel.SortBuckets);
        unpackIncoming = accelerator.LoadStreamKernel<ArrayView<long>, int, ArrayView<int>, ArrayView<int>>(
            IncomingIndexKernels.UnpackIncoming);
    }

    /// <summary>
    /// The launch of a scatter into buckets. On ILGPU's CPU accelerator one thread, in index order, so that the
    /// buckets come out sorted and <see cref="BucketSortKernel.SortBuckets"/> only reads them: sorting buckets filled
    /// by two interleaved threads cost more than the second thread saves.
    /// </summary>
    KernelConfig InOrder(int items) =>
        accelerator.AcceleratorType == AcceleratorType.CPU ? new KernelConfig(1, 1) : Launch.For(accelerator, items);

    /// <summary>
    /// The layer's connections after the step, in new buffers that the caller owns: the survivors of <paramref name="old"/>
    /// merged row by row with the <paramref name="count"/> ascending <paramref name="accepted"/> positions (values from
    /// the layer's initialiser under <paramref name="weightKey"/>, zero optimiser state), and their incoming index. The same
    /// arrays as <see cref="CsrRebuild.Merge"/> and <see cref="SetGpu.Sparse.IncomingIndex.Build"/> give on the host.
    /// </summary>
    public DeviceConnections Run(DeviceLayer layer, SourceRows old, MemoryBuffer1D<int, Stride1D.Dense> survivors,
                                 ArrayView<long> accepted, int count, ulong weightKey, DeviceScratch scratch)
    {
        int rows = layer.Inputs, columns = layer.Outputs, nnz = layer.Connections;
        var counts = scratch.Alloc<int>(rows + 1);
        newRowCounts(Launch.For(accelerator, rows + 1), survivors.View, rows, columns, accepted, count, counts.View);

        var owned = new DeviceScratch(accelerator);
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
            var state = Enumerable.Range(0, layer.StateArrays).Select(_ => owned.Alloc<float>(nnz)).ToArray();
            var newRows = scratch.Alloc<int>(nnz);
            var target = new TargetRows
            {
                Offsets = offsets.View, Columns = newColumns.View, Weights = weights.View, Velocity = state[0].View,
                Velocity2 = state[^1].View, States = state.Length, Rows = newRows.View,
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
            owned.Release();
            return new DeviceConnections(offsets, newColumns, weights, state, incomingOffsets, incomingInputs, weightIndex);
        }
        finally
        {
            owned.Dispose();
        }
    }
}
