using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.Training;

namespace SetGpu.Bench.Kernels;

/// <summary>The bias update: <see cref="BiasUpdate"/> and <see cref="ITrainingLaunches.UpdateBias"/>.</summary>
internal static class BiasUpdateBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        var layer = p.Layer();
        int batch = p.Batch;
        long bytes = BandwidthModel.BiasUpdate(layer.Outputs, batch);
        var options = new Sgd();
        var step = new SgdStep(options, new StepSize(options.LearningRate, options.WeightDecay));
        if (backend.IsCpuTwin)
        {
            var deltaOut = KernelProblem.Block(layer.Outputs, batch, 2);
            yield return new("bias-update", "units", bytes, () => BiasUpdate.Run(layer, deltaOut, batch, step));
            yield break;
        }
        var accelerator = backend.Device;
        var launches = TrainingLaunches.For(accelerator);
        var device = backend.Own(new DeviceLayer(accelerator, layer));
        var deltaOutD = backend.Upload(KernelProblem.Block(layer.Outputs, TrainingKernels.Lanes(batch), 2));
        var opt = new OptimizerParams { LearningRate = options.LearningRate, Momentum = options.Momentum, Decay = options.WeightDecay };
        yield return new("bias-update", "units", bytes, () =>
        {
            launches.UpdateBias(device, deltaOutD, batch, opt);
            accelerator.Synchronize();
        });
    }
}
