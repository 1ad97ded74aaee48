using ILGPU;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// An exclusive prefix sum in two launches for accelerators with few threads (ILGPU's CPU accelerator, see
/// <see cref="DeviceScan"/>): the input is cut into one contiguous tile per work item; the first launch sums each
/// tile, the second scans each tile sequentially from the sum of the tiles before it. No shared memory, barriers or
/// atomics, which that accelerator emulates with OS threads. Int and long versions (the tie ranks of the pruning
/// scan 64-bit flags).
/// </summary>
internal static class TileScanKernels
{
    /// <summary>sums[t] = the sum of <paramref name="input"/> over tile t, [t · tileSize, min(n, (t + 1) · tileSize)).</summary>
    public static void TileSumsInt(ArrayView<int> input, int n, int tiles, int tileSize, ArrayView<int> sums)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int t = Grid.GlobalLinearIndex; t < tiles; t += stride)
        {
            int end = TileEnd(t, n, tileSize), sum = 0;
            for (int i = TileStart(t, n, tileSize); i < end; i++) sum += input[i];
            sums[t] = sum;
        }
    }

    /// <summary>output[i] = the sum of input[0, i) for i &lt; n; each tile starts from the sums of the tiles before it.</summary>
    public static void ScanTilesInt(ArrayView<int> input, int n, int tiles, int tileSize, ArrayView<int> sums,
                                    ArrayView<int> output)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int t = Grid.GlobalLinearIndex; t < tiles; t += stride)
        {
            int running = 0;
            for (int u = 0; u < t; u++) running += sums[u];
            int end = TileEnd(t, n, tileSize);
            for (int i = TileStart(t, n, tileSize); i < end; i++)
            {
                int x = input[i];
                output[i] = running;
                running += x;
            }
        }
    }

    /// <summary>The long version of <see cref="TileSumsInt"/>.</summary>
    public static void TileSumsLong(ArrayView<long> input, int n, int tiles, int tileSize, ArrayView<long> sums)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int t = Grid.GlobalLinearIndex; t < tiles; t += stride)
        {
            int end = TileEnd(t, n, tileSize);
            long sum = 0;
            for (int i = TileStart(t, n, tileSize); i < end; i++) sum += input[i];
            sums[t] = sum;
        }
    }

    /// <summary>The long version of <see cref="ScanTilesInt"/>.</summary>
    public static void ScanTilesLong(ArrayView<long> input, int n, int tiles, int tileSize, ArrayView<long> sums,
                                     ArrayView<long> output)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int t = Grid.GlobalLinearIndex; t < tiles; t += stride)
        {
            long running = 0;
            for (int u = 0; u < t; u++) running += sums[u];
            int end = TileEnd(t, n, tileSize);
            for (int i = TileStart(t, n, tileSize); i < end; i++)
            {
                long x = input[i];
                output[i] = running;
                running += x;
            }
        }
    }

    /// <summary>The start of tile t (tiles past n are empty).</summary>
    static int TileStart(int t, int n, int tileSize) => (int)Math.Min(n, (long)t * tileSize);

    /// <summary>The end of tile t.</summary>
    static int TileEnd(int t, int n, int tileSize) => (int)Math.Min(n, ((long)t + 1) * tileSize);
}
