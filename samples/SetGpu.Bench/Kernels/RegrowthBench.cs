using SetGpu.Evolution;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.Rng;

namespace SetGpu.Bench.Kernels;

/// <summary>
/// Regrowth after one pruning step: <see cref="Regrowth.SelectEmpty"/> and <see cref="DeviceRegrowth.SelectEmpty"/>
/// (the same positions; the layer is not changed, so every call repeats the same work).
/// </summary>
internal static class RegrowthBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        var layer = p.Layer();
        int nnz = layer.Connections;
        ulong key = CounterRng.Key(1, RngStream.Regrowth, 1, 0);
        var removed = new byte[nnz];
        long count = Pruning.MarkRemovals(layer.Weights, p.Zeta, removed).Removed;
        string mode = Regrowth.UsesDenseMode(layer.Positions, nnz - count, count) ? "dense" : "sparse";
        long bytes = BandwidthModel.Regrowth(nnz, p.Zeta);
        if (backend.IsCpuTwin)
        {
            var taken = new Occupancy(layer.Pattern, removed, nnz - count);
            yield return new("regrowth", mode, bytes, () => Regrowth.SelectEmpty(layer.Inputs, layer.Outputs, taken, count, key));
            yield break;
        }
        var accelerator = backend.Device;
        var (device, old, survivors) = DeviceStages.Pruned(backend, p, layer);
        var regrowth = new DeviceRegrowth(accelerator, new DeviceScan(accelerator));
        yield return new("regrowth", mode, bytes, () =>
        {
            using var scratch = new DeviceScratch(accelerator);
            regrowth.SelectEmpty(device, old, survivors, nnz - count, (int)count, key, scratch);
            accelerator.Synchronize();
        });
    }
}

/// <summary>Device state the later evolution stages start from, made once by the earlier stages.</summary>
internal static class DeviceStages
{
    /// <summary><paramref name="layer"/> on the backend's device, pruned once: its rows with the removal mask, and the survivors per row.</summary>
    public static (DeviceLayer Layer, SourceRows Old, ILGPU.Runtime.MemoryBuffer1D<int, ILGPU.Stride1D.Dense> Survivors) Pruned(
        KernelBackend backend, KernelProblem p, SetGpu.Model.SparseLayer layer)
    {
        var accelerator = backend.Device;
        var device = backend.Own(new DeviceLayer(accelerator, layer));
        var removed = backend.Allocate<byte>(layer.Connections);
        var survivors = backend.Allocate<int>(layer.Inputs);
        using (var scratch = new DeviceScratch(accelerator))
            new DevicePruning(accelerator, new DeviceScan(accelerator)).MarkRemovals(device, p.Zeta, removed, survivors, scratch);
        return (device, SourceRows.Of(device, removed), survivors);
    }
}
