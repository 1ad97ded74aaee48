using ILGPU;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// The incoming index of a rebuilt layer (launched by <see cref="DeviceRebuild"/>): a counting sort of the CSR entries
/// by column (counts, scan, atomic scatter), each column's bucket sorted by row (<see cref="BucketSortKernel"/>), then
/// unpacked into inputs and weight indices. CPU twin: <see cref="SetGpu.Sparse.IncomingIndex.Build"/>.
/// </summary>
internal static class IncomingIndexKernels
{
    /// <summary>Connections per column (<paramref name="counts"/> zeroed by the caller, length outputs + 1).</summary>
    public static void ColumnCounts(ArrayView<int> columns, int nnz, ArrayView<int> counts)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int w = Grid.GlobalLinearIndex; w < nnz; w += stride)
            Atomic.Add(ref counts[columns[w]], 1);
    }

    /// <summary>
    /// Scatters CSR entry w into its column's bucket as (row &lt;&lt; 32 | w); <paramref name="fill"/> starts as the
    /// incoming offsets and is advanced atomically (order within a bucket arbitrary until <see cref="BucketSortKernel.SortBuckets"/>).
    /// </summary>
    public static void ScatterIncoming(ArrayView<int> columns, ArrayView<int> rows, int nnz, ArrayView<int> fill,
                                       ArrayView<long> entries)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int w = Grid.GlobalLinearIndex; w < nnz; w += stride)
        {
            int slot = Atomic.Add(ref fill[columns[w]], 1);
            entries[slot] = ((long)rows[w] << 32) | (long)(uint)w;
        }
    }

    /// <summary>Splits the sorted incoming entries (row &lt;&lt; 32 | CSR index) into inputs and weight indices.</summary>
    public static void UnpackIncoming(ArrayView<long> entries, int nnz, ArrayView<int> inputs, ArrayView<int> weightIndex)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalLinearIndex; i < nnz; i += stride)
        {
            long e = entries[i];
            inputs[i] = (int)(e >> 32);
            weightIndex[i] = (int)(e & 0xFFFF_FFFFL);
        }
    }
}
