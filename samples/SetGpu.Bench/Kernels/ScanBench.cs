using SetGpu.Gpu;

namespace SetGpu.Bench.Kernels;

/// <summary>
/// The exclusive scan of the evolution step over one int per connection (<see cref="DeviceScan"/>; on the host, the
/// plain loop its tests compare with), and over 64-bit values (the tie ranks).
/// </summary>
internal static class ScanBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        int n = (int)p.Connections;
        var rng = new Random(5);
        var ints = Enumerable.Range(0, n).Select(_ => rng.Next(2)).ToArray();
        if (backend.IsCpuTwin)
        {
            var output = new int[n];
            yield return new("scan", "int", BandwidthModel.Scan(n, sizeof(int)), () =>
            {
                int running = 0;
                for (int i = 0; i < n; i++)
                {
                    output[i] = running;
                    running += ints[i];
                }
            });
            yield break;
        }
        var accelerator = backend.Device;
        var scan = new DeviceScan(accelerator);
        var intInput = backend.Upload(ints);
        var intOutput = backend.Allocate<int>(n);
        var intTemp = backend.Allocate<int>(Math.Max(1, scan.TempInts<int>(n)));
        yield return new("scan", "int", BandwidthModel.Scan(n, sizeof(int)), () =>
        {
            scan.Exclusive(intInput.View, intOutput.View, intTemp.View);
            accelerator.Synchronize();
        });
        var longInput = backend.Upload(ints.Select(x => (long)x << 32 | (uint)x).ToArray());
        var longOutput = backend.Allocate<long>(n);
        var longTemp = backend.Allocate<int>(Math.Max(1, scan.TempInts<long>(n)));
        yield return new("scan", "long", BandwidthModel.Scan(n, sizeof(long)), () =>
        {
            scan.Exclusive(longInput.View, longOutput.View, longTemp.View);
            accelerator.Synchronize();
        });
    }
}
