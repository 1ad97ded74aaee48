using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;
using ILGPU.Runtime;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>
/// The one ILGPU.Algorithms primitive SetGpu uses: the exclusive scan that <c>DeviceScan</c> runs on real devices
/// (ILGPU's CPU accelerator takes SetGpu's own tiled scan), against the host prefix sum, on every ILGPU backend of the
/// list. A wrong scan would corrupt the rebuilt CSR offsets. (SetGpu sorts with kernels of its own: ILGPU.Algorithms'
/// radix sort misorders large inputs on PoCL.)
/// </summary>
public class AlgorithmsProbeTests
{
    public static TheoryData<int> Lengths => [1000, 50_000];

    [BackendTheory(nameof(Lengths))]
    public void Exclusive_scan_matches_the_host(string backend, int n)
    {
        var device = Backends.Require(backend);
        using var context = IlgpuDevices.CreateContext();
        using var accelerator = IlgpuDevices.Open(context, device);
        var rng = new Random(n);
        var counts = Enumerable.Range(0, n).Select(_ => rng.Next(0, 5)).ToArray();
        using var input = accelerator.Allocate1D(counts);
        using var output = accelerator.Allocate1D<int>(n);
        using var scanTemp = accelerator.Allocate1D<int>(accelerator.ComputeScanTempStorageSize<int>(n));
        accelerator.CreateScan<int, Stride1D.Dense, Stride1D.Dense, AddInt32>(ScanKind.Exclusive)(accelerator.DefaultStream, input.View, output.View, scanTemp.View);
        accelerator.Synchronize();
        var scanned = output.GetAsArray1D();
        int running = 0;
        for (int i = 0; i < n; i++)
        {
            Assert.True(running == scanned[i], $"scan[{i}] = {scanned[i]}, expected {running}");
            running += counts[i];
        }
    }
}
