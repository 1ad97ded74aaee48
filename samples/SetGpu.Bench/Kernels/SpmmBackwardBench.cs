using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.Training;

namespace SetGpu.Bench.Kernels;

/// <summary>
/// Transposed SpMM backward: <see cref="ITrainingLaunches.Backward"/>; the CPU twin fuses it with the weight update
/// (<see cref="SpmmBackwardUpdate"/>, the variant "fused").
/// </summary>
internal static class SpmmBackwardBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        var layer = p.Layer();
        int batch = p.Batch;
        if (backend.IsCpuTwin)
        {
            var deltaOut = KernelProblem.Block(layer.Outputs, batch, 2);
            var x = KernelProblem.Block(layer.Inputs, batch, 1);
            var inputZ = KernelProblem.Block(layer.Inputs, batch, 3);
            var deltaIn = new float[(long)layer.Inputs * batch];
            var options = new Sgd();
            var step = new SgdStep(options, new StepSize(options.LearningRate, options.WeightDecay));
            yield return new("spmm-backward", "fused", BandwidthModel.SpmmBackwardUpdate(layer.Inputs, layer.Outputs, layer.Connections, batch),
                () => SpmmBackwardUpdate.Run(layer, deltaOut, x, inputZ, p.InputActivation, deltaIn, batch, null, step));
            yield break;
        }
        var accelerator = backend.Device;
        var launches = TrainingLaunches.For(accelerator);
        var device = backend.Own(new DeviceLayer(accelerator, layer));
        int lanes = TrainingKernels.Lanes(batch);
        var deltaOutD = backend.Upload(KernelProblem.Block(layer.Outputs, lanes, 2));
        var inputZD = backend.Upload(KernelProblem.Block(layer.Inputs, lanes, 3));
        var deltaInD = backend.Allocate<float>((long)layer.Inputs * lanes);
        var act = new ActivationParams { Kind = (int)p.InputActivation.Kind, Slope = p.InputActivation.Slope };
        yield return new("spmm-backward", "gather", BandwidthModel.SpmmBackward(layer.Inputs, layer.Outputs, layer.Connections, batch), () =>
        {
            launches.Backward(device, deltaOutD, inputZD, deltaInD, batch, act);
            accelerator.Synchronize();
        });
    }
}
