using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.Training;

namespace SetGpu.Bench.Kernels;

/// <summary>The SReLU step with SGD: <see cref="SReluUpdate"/> and <see cref="ITrainingLaunches.UpdateSRelu"/>.</summary>
internal static class SReluUpdateBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        var layer = p.Layer(states: 1, srelu: true);
        int batch = p.Batch;
        long bytes = BandwidthModel.SReluUpdate(layer.Outputs, batch, 1);
        var sgd = new Sgd();
        var size = new StepSize(sgd.LearningRate, 0f);
        if (backend.IsCpuTwin)
        {
            var z = KernelProblem.Block(layer.Outputs, batch, 3);
            var delta = KernelProblem.Block(layer.Outputs, batch, 2);
            yield return new("srelu-update", "units", bytes, () => SReluUpdate.Run(layer, z, delta, batch, new SgdStep(sgd, size)));
            yield break;
        }
        var accelerator = backend.Device;
        var launches = TrainingLaunches.For(accelerator);
        var device = backend.Own(new DeviceLayer(accelerator, layer));
        int lanes = TrainingKernels.Lanes(batch);
        var zd = backend.Upload(KernelProblem.Block(layer.Outputs, lanes, 3));
        var deltaD = backend.Upload(KernelProblem.Block(layer.Outputs, lanes, 2));
        var opt = OptimizerParams.Of(sgd, size, 0, decay: false);
        yield return new("srelu-update", "units", bytes, () =>
        {
            launches.UpdateSRelu(device, zd, deltaD, batch, opt);
            accelerator.Synchronize();
        });
    }
}
