using ILGPU.Runtime;
using SetGpu.Evolution;
using SetGpu.Gpu;
using SetGpu.Rng;
using SetGpu.Sparse;

namespace SetGpu.Bench.Kernels;

/// <summary>
/// CSR rebuild and incoming index after one pruning and regrowth: <see cref="CsrRebuild.Merge"/> with
/// <see cref="IncomingIndex.Build"/>, and <see cref="DeviceRebuild.Run"/> (new buffers each call, the layer unchanged).
/// </summary>
internal static class CsrRebuildBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        var layer = p.Layer();
        int nnz = layer.Connections;
        ulong key = CounterRng.Key(1, RngStream.Regrowth, 1, 0), weightKey = CounterRng.Key(1, RngStream.RegrowthWeights, 1, 0);
        long bytes = BandwidthModel.CsrRebuild(layer.Inputs, layer.Outputs, nnz, p.Zeta);
        if (backend.IsCpuTwin)
        {
            var removed = new byte[nnz];
            long count = Pruning.MarkRemovals(layer.Weights, p.Zeta, removed).Removed;
            var grown = Regrowth.SelectEmpty(layer.Inputs, layer.Outputs, new Occupancy(layer.Pattern, removed, nnz - count), count, key);
            yield return new("csr-rebuild", "merge+index", bytes, () =>
            {
                var (pattern, _, _) = CsrRebuild.Merge(layer, removed, grown, weightKey);
                IncomingIndex.Build(pattern, layer.Outputs);
            });
            yield break;
        }
        var accelerator = backend.Device;
        var scan = new DeviceScan(accelerator);
        var (device, old, survivors) = DeviceStages.Pruned(backend, p, layer);
        long taken = survivors.GetAsArray1D().Sum(s => (long)s);
        int regrown = (int)(nnz - taken);
        var setup = backend.Own(new DeviceScratch(accelerator));
        var accepted = new DeviceRegrowth(accelerator, scan).SelectEmpty(device, old, survivors, taken, regrown, key, setup);
        var rebuild = new DeviceRebuild(accelerator, scan);
        yield return new("csr-rebuild", "merge+index", bytes, () =>
        {
            using var scratch = new DeviceScratch(accelerator);
            using var connections = rebuild.Run(device, old, survivors, accepted, regrown, weightKey, scratch);
        });
    }
}
