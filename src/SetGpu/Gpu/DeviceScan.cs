using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;
using ILGPU.Runtime;
using SetGpu.Gpu.Kernels;

namespace SetGpu.Gpu;

/// <summary>
/// The exclusive prefix sums of the device evolution. On a GPU, ILGPU.Algorithms' scan. On ILGPU's CPU accelerator,
/// <see cref="TileScanKernels"/>: one contiguous tile per emulated thread in two launches, because ILGPU's scan there
/// runs many small groups, each behind emulated barriers (about 0.3 s for 12,000 ints on two loaded cores). Integer
/// sums are exact, so both give the same result.
/// </summary>
internal sealed class DeviceScan
{
    readonly Accelerator accelerator;
    readonly bool tiled;
    readonly int threads;
    readonly Scan<int, Stride1D.Dense, Stride1D.Dense>? scanInt;
    readonly Scan<long, Stride1D.Dense, Stride1D.Dense>? scanLong;
    readonly Action<KernelConfig, ArrayView<int>, int, int, int, ArrayView<int>>? tileSumsInt;
    readonly Action<KernelConfig, ArrayView<int>, int, int, int, ArrayView<int>, ArrayView<int>>? scanTilesInt;
    readonly Action<KernelConfig, ArrayView<long>, int, int, int, ArrayView<long>>? tileSumsLong;
    readonly Action<KernelConfig, ArrayView<long>, int, int, int, ArrayView<long>, ArrayView<long>>? scanTilesLong;

    public DeviceScan(Accelerator accelerator)
    {
        this.accelerator = accelerator;
        tiled = accelerator.AcceleratorType == AcceleratorType.CPU;
        threads = accelerator.NumMultiprocessors * accelerator.MaxNumThreadsPerGroup;
        if (tiled)
        {
            tileSumsInt = accelerator.LoadStreamKernel<ArrayView<int>, int, int, int, ArrayView<int>>(TileScanKernels.TileSumsInt);
            scanTilesInt = accelerator.LoadStreamKernel<ArrayView<int>, int, int, int, ArrayView<int>, ArrayView<int>>(
                TileScanKernels.ScanTilesInt);
            tileSumsLong = accelerator.LoadStreamKernel<ArrayView<long>, int, int, int, ArrayView<long>>(TileScanKernels.TileSumsLong);
            scanTilesLong = accelerator.LoadStreamKernel<ArrayView<long>, int, int, int, ArrayView<long>, ArrayView<long>>(
                TileScanKernels.ScanTilesLong);
        }
        else
        {
            scanInt = accelerator.CreateScan<int, Stride1D.Dense, Stride1D.Dense, AddInt32>(ScanKind.Exclusive);
            scanLong = accelerator.CreateScan<long, Stride1D.Dense, Stride1D.Dense, AddInt64>(ScanKind.Exclusive);
        }
    }

    /// <summary>Ints of temporary storage that a scan over <paramref name="length"/> elements of <typeparamref name="T"/> needs.</summary>
    public long TempInts<T>(long length) where T : unmanaged => tiled
        ? (long)threads * Interop.SizeOf<T>() / sizeof(int)
        : accelerator.ComputeScanTempStorageSize<T>(length);

    /// <summary>output[i] = input[0] + … + input[i − 1], on the default stream.</summary>
    public void Exclusive(ArrayView<int> input, ArrayView<int> output, ArrayView<int> temp)
    {
        if (!tiled)
        {
            scanInt!(accelerator.DefaultStream, input, output, temp);
            return;
        }
        var (n, tileSize, config) = Tiles(input.Length);
        tileSumsInt!(config, input, n, threads, tileSize, temp);
        scanTilesInt!(config, input, n, threads, tileSize, temp, output);
    }

    /// <summary>The 64-bit <see cref="Exclusive(ArrayView{int}, ArrayView{int}, ArrayView{int})"/>.</summary>
    public void Exclusive(ArrayView<long> input, ArrayView<long> output, ArrayView<int> temp)
    {
        if (!tiled)
        {
            scanLong!(accelerator.DefaultStream, input, output, temp);
            return;
        }
        var (n, tileSize, config) = Tiles(input.Length);
        var sums = temp.Cast<long>();
        tileSumsLong!(config, input, n, threads, tileSize, sums);
        scanTilesLong!(config, input, n, threads, tileSize, sums, output);
    }

    /// <summary>One tile per thread of the accelerator, each of ⌈n / threads⌉ elements.</summary>
    (int N, int TileSize, KernelConfig Config) Tiles(long length)
    {
        int n = checked((int)length);
        int tileSize = Math.Max(1, (int)((length + threads - 1) / threads));
        return (n, tileSize, Launch.For(accelerator, threads));
    }
}
