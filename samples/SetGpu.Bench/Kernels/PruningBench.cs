using SetGpu.Evolution;
using SetGpu.Gpu;

namespace SetGpu.Bench.Kernels;

/// <summary>Threshold select and prune: <see cref="Pruning.MarkRemovals"/> and <see cref="DevicePruning.MarkRemovals"/>.</summary>
internal static class PruningBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        var layer = p.Layer();
        int nnz = layer.Connections;
        long bytes = BandwidthModel.Prune(layer.Inputs, nnz);
        if (backend.IsCpuTwin)
        {
            var removed = new byte[nnz];
            yield return new("prune", "radix", bytes, () => Pruning.MarkRemovals(layer.Weights, p.Zeta, removed));
            yield break;
        }
        var accelerator = backend.Device;
        var pruning = new DevicePruning(accelerator, new DeviceScan(accelerator));
        var device = backend.Own(new DeviceLayer(accelerator, layer));
        var removedD = backend.Allocate<byte>(nnz);
        var survivors = backend.Allocate<int>(layer.Inputs);
        yield return new("prune", "radix", bytes, () =>
        {
            using var scratch = new DeviceScratch(accelerator);
            pruning.MarkRemovals(device, p.Zeta, removedD, survivors, scratch);
            accelerator.Synchronize();
        });
    }
}
