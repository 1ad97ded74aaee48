using ILGPU;
using ILGPU.Runtime;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Kernels;

public sealed class IlgpuCpuScanTests(IlgpuCpuBackend backend) : ScanTests(backend), IClassFixture<IlgpuCpuBackend>;
public sealed class OpenClScanTests(OpenClBackend backend) : ScanTests(backend), IClassFixture<OpenClBackend>;
public sealed class CudaScanTests(CudaBackend backend) : ScanTests(backend), IClassFixture<CudaBackend>;

/// <summary>
/// <see cref="DeviceScan"/> (ILGPU.Algorithms' scan on GPUs, <see cref="Gpu.Kernels.TileScanKernels"/> on ILGPU's CPU
/// accelerator) launched directly: the exclusive prefix sums of ints and of 64-bit values equal the host's loop (the
/// reference; integer sums are exact, so equality is exact).
/// </summary>
public abstract class ScanTests(BackendFixture backend)
{
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(1001)]
    [InlineData(40_001)]
    public void Scan_matches_the_host_prefix_sum(int n)
    {
        backend.Require();
        var accelerator = backend.Accelerator;
        var scan = new DeviceScan(accelerator);
        var rng = new Random(n);
        var ints = Enumerable.Range(0, n).Select(_ => rng.Next(0, 100)).ToArray();
        var longs = Enumerable.Range(0, n).Select(_ => rng.Next(0, 2) + ((long)rng.Next(0, 2) << 32)).ToArray();

        using var intInput = accelerator.Allocate1D(ints);
        using var intOutput = accelerator.Allocate1D<int>(n);
        using var intTemp = accelerator.Allocate1D<int>(Math.Max(1, scan.TempInts<int>(n)));
        scan.Exclusive(intInput.View, intOutput.View, intTemp.View);
        using var longInput = accelerator.Allocate1D(longs);
        using var longOutput = accelerator.Allocate1D<long>(n);
        using var longTemp = accelerator.Allocate1D<int>(Math.Max(1, scan.TempInts<long>(n)));
        scan.Exclusive(longInput.View, longOutput.View, longTemp.View);
        accelerator.Synchronize();

        Assert.Equal(ExclusiveSums(ints.Select(x => (long)x).ToArray()).Select(x => (int)x), intOutput.GetAsArray1D());
        Assert.Equal(ExclusiveSums(longs), longOutput.GetAsArray1D());
    }

    static long[] ExclusiveSums(long[] values)
    {
        var sums = new long[values.Length];
        for (int i = 1; i < values.Length; i++) sums[i] = sums[i - 1] + values[i - 1];
        return sums;
    }
}
