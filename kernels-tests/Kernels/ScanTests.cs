using ILGPU;
using ILGPU.Runtime;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// <see cref="DeviceScan"/> (ILGPU.Algorithms' scan on GPUs, <see cref="Gpu.Kernels.TileScanKernels"/> on ILGPU's CPU
/// accelerator) launched directly: the exclusive prefix sums of ints and of 64-bit values equal the host's loop (the
/// reference; integer sums are exact, so equality is exact).
/// </summary>
public class ScanTests(Accelerators accelerators) : IClassFixture<Accelerators>
{
    public static TheoryData<int> Lengths => [1, 2, 3, 1001, 40_001];

    [BackendTheory(nameof(Lengths))]
    public void Scan_matches_the_host_prefix_sum(string backend, int n)
    {
        var accelerator = accelerators.Open(backend);
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
