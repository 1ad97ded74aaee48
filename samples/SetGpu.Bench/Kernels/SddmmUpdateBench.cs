using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.Training;

namespace SetGpu.Bench.Kernels;

/// <summary>
/// SDDMM weight update: <see cref="SpmmBackwardUpdate"/> without δin and <see cref="ITrainingLaunches.UpdateWeights"/>,
/// with SGD (variant <c>rows</c>) and with Adam (<c>rows adam</c>: a second state array, a square root and a division per
/// connection).
/// </summary>
internal static class SddmmUpdateBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        foreach (var optimizer in new Optimizer[] { new Sgd(), new Adam() })
        {
            var layer = p.Layer(optimizer.StateArrays);
            int batch = p.Batch;
            long bytes = BandwidthModel.SddmmUpdate(layer.Inputs, layer.Outputs, layer.Connections, batch, optimizer.StateArrays);
            string variant = optimizer is Adam ? "rows adam" : "rows";
            var size = new StepSize(optimizer.LearningRate, optimizer.WeightDecay);
            if (backend.IsCpuTwin)
            {
                var deltaOut = KernelProblem.Block(layer.Outputs, batch, 2);
                var x = KernelProblem.Block(layer.Inputs, batch, 1);
                yield return optimizer is Sgd sgd
                    ? new("sddmm-update", variant, bytes, () => SpmmBackwardUpdate.Run(layer, deltaOut, x, null, default, null, batch, null, new SgdStep(sgd, size)))
                    : new("sddmm-update", variant, bytes, () => SpmmBackwardUpdate.Run(layer, deltaOut, x, null, default, null, batch, null,
                                                                                       new AdamStep((Adam)optimizer, size, 100)));
                continue;
            }
            var accelerator = backend.Device;
            var launches = TrainingLaunches.For(accelerator);
            var device = backend.Own(new DeviceLayer(accelerator, layer));
            int lanes = TrainingKernels.Lanes(batch);
            var deltaOutD = backend.Upload(KernelProblem.Block(layer.Outputs, lanes, 2));
            var xd = backend.Upload(KernelProblem.Block(layer.Inputs, lanes, 1));
            var opt = OptimizerParams.Of(optimizer, size, 100);
            yield return new("sddmm-update", variant, bytes, () =>
            {
                launches.UpdateWeights(device, deltaOutD, xd, batch, opt);
                accelerator.Synchronize();
            });
        }
    }
}
