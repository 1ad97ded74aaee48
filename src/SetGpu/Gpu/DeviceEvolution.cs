using ILGPU.Runtime;
using SetGpu.Evolution;

namespace SetGpu.Gpu;

/// <summary>TEMPORARY: evolution through the host until the device kernels land.</summary>
internal sealed class DeviceEvolution(Accelerator accelerator) : IDisposable
{
    public LayerEvolution EvolveLayer(DeviceLayer layer, int layerIndex, double zeta, ulong seed, int epoch)
    {
        accelerator.Synchronize();
        var host = layer.Download();
        var result = SparseEvolution.EvolveLayer(host, layerIndex, zeta, seed, epoch);
        layer.SetConnections(host.Pattern, host.Weights, host.WeightVelocity);
        return result;
    }

    public void Dispose() { }
}
