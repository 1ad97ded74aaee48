using SetGpu.Evolution;
using SetGpu.Gpu;

namespace SetGpu.Bench.Kernels;

/// <summary>
/// The whole evolution step (prune, regrow, rebuild): <see cref="SparseEvolution.EvolveLayer"/> and
/// <see cref="DeviceEvolution.EvolveLayer"/>, a new epoch each call (the layer evolves on).
/// </summary>
internal static class EvolutionBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        var layer = p.Layer();
        long bytes = BandwidthModel.Evolution(layer.Connections, p.Zeta);
        int epoch = 0;
        if (backend.IsCpuTwin)
        {
            yield return new("evolution", "step", bytes, () => SparseEvolution.EvolveLayer(layer, 1, p.Zeta, seed: 1, epoch++));
            yield break;
        }
        var accelerator = backend.Device;
        var evolution = backend.Own(new DeviceEvolution(accelerator));
        var device = backend.Own(new DeviceLayer(accelerator, layer));
        yield return new("evolution", "step", bytes, () =>
        {
            evolution.EvolveLayer(device, 1, p.Zeta, seed: 1, epoch++);
            accelerator.Synchronize();
        });
    }
}
