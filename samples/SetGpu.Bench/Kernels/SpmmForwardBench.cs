using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.Sparse;

namespace SetGpu.Bench.Kernels;

/// <summary>Forward SpMM: the CPU twins (gather, and the scatter up to batch 16) and <see cref="ITrainingLaunches.Forward"/>.</summary>
internal static class SpmmForwardBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        var layer = p.Layer();
        int batch = p.Batch;
        long gather = BandwidthModel.SpmmForwardGather(layer.Inputs, layer.Outputs, layer.Connections, batch);
        if (backend.IsCpuTwin)
        {
            var x = KernelProblem.Block(layer.Inputs, batch, 1);
            var z = new float[(long)layer.Outputs * batch];
            var a = new float[(long)layer.Outputs * batch];
            var incoming = IncomingIndex.Build(layer.Pattern, layer.Outputs);
            yield return new("spmm-forward", "gather", gather, () => SpmmForwardGather.Run(layer, incoming, x, z, a, batch, null));
            if (batch > SpmmForwardScatter.MaxBatch) yield break;
            var partials = SpmmForwardScatter.NewPartials(layer.Outputs, batch);
            yield return new("spmm-forward", "scatter",
                BandwidthModel.SpmmForwardScatter(layer.Inputs, layer.Outputs, layer.Connections, batch),
                () => SpmmForwardScatter.Run(layer, x, z, a, batch, null, partials));
            yield break;
        }
        var accelerator = backend.Device;
        var launches = TrainingLaunches.For(accelerator);
        var device = backend.Own(new DeviceLayer(accelerator, layer));
        int lanes = TrainingKernels.Lanes(batch);
        var xd = backend.Upload(KernelProblem.Block(layer.Inputs, lanes, 1));
        var zd = backend.Allocate<float>((long)layer.Outputs * lanes);
        var ad = backend.Allocate<float>((long)layer.Outputs * lanes);
        var act = new ActivationParams { Kind = (int)layer.Activation.Kind, Slope = layer.Activation.Slope };
        yield return new("spmm-forward", "gather", gather, () =>
        {
            launches.Forward(device, xd, zd, ad, batch, act);
            accelerator.Synchronize();
        });
    }
}
