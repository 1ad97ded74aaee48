using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.Training;

namespace SetGpu.Bench.Kernels;

/// <summary>SDDMM weight update: <see cref="SpmmBackwardUpdate"/> without δin and <see cref="ITrainingLaunches.UpdateWeights"/>.</summary>
internal static class SddmmUpdateBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        var layer = p.Layer();
        int batch = p.Batch;
        long bytes = BandwidthModel.SddmmUpdate(layer.Inputs, layer.Outputs, layer.Connections, batch);
        var options = new Sgd();
        var step = new SgdStep(options, new StepSize(options.LearningRate, options.WeightDecay));
        if (backend.IsCpuTwin)
        {
            var deltaOut = KernelProblem.Block(layer.Outputs, batch, 2);
            var x = KernelProblem.Block(layer.Inputs, batch, 1);
            yield return new("sddmm-update", "rows", bytes,
                () => SpmmBackwardUpdate.Run(layer, deltaOut, x, null, default, null, batch, null, step));
            yield break;
        }
        var accelerator = backend.Device;
        var launches = TrainingLaunches.For(accelerator);
        var device = backend.Own(new DeviceLayer(accelerator, layer));
        int lanes = TrainingKernels.Lanes(batch);
        var deltaOutD = backend.Upload(KernelProblem.Block(layer.Outputs, lanes, 2));
        var xd = backend.Upload(KernelProblem.Block(layer.Inputs, lanes, 1));
        var opt = new OptimizerParams { LearningRate = options.LearningRate, Momentum = options.Momentum, Decay = options.WeightDecay };
        yield return new("sddmm-update", "rows", bytes, () =>
        {
            launches.UpdateWeights(device, deltaOutD, xd, batch, opt);
            accelerator.Synchronize();
        });
    }
}
