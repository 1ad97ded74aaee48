using SetGpu.Cpu.Rbm;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.Gpu.Rbm;

namespace SetGpu.Bench.Kernels;

/// <summary>
/// The RBM's CD update on the problem's layer as an N × N RBM: the weights (SDDMM fused with the step) and both bias
/// updates, by <see cref="CdUpdate"/> and <see cref="IRbmLaunches"/>.
/// </summary>
internal static class CdUpdateBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        var layer = p.Layer();
        int visible = layer.Inputs, hidden = layer.Outputs, stride = p.Stride, batch = p.Batch;
        long weightBytes = BandwidthModel.CdUpdate(visible, hidden, layer.Connections, stride);
        long biasBytes = BandwidthModel.CdBiases(visible, hidden, stride);
        float[] vData = KernelProblem.Block(visible, stride, 1), vModel = KernelProblem.Block(visible, stride, 2);
        float[] hData = KernelProblem.Block(hidden, stride, 3), hModel = KernelProblem.Block(hidden, stride, 4);
        float[] visibleBias = new float[visible], visibleVelocity = new float[visible];
        if (backend.IsCpuTwin)
        {
            var step = new RbmStep(0.01f, 0.5f, 2e-7f);
            yield return new("cd-update", "weights", weightBytes,
                () => CdUpdate.Run(layer, vData, hData, vModel, hModel, stride, batch, step));
            yield return new("cd-update", "biases", biasBytes, () =>
            {
                CdUpdate.Biases(visibleBias, visibleVelocity, vData, vModel, stride, batch, step);
                CdUpdate.Biases(layer.Bias, layer.BiasVelocity, hData, hModel, stride, batch, step);
            });
            yield break;
        }
        var accelerator = backend.Device;
        var launches = RbmLaunches.For(accelerator);
        var device = backend.Own(new DeviceLayer(accelerator, layer));
        var (vd, vm, hd, hm) = (backend.Upload(vData), backend.Upload(vModel), backend.Upload(hData), backend.Upload(hModel));
        var (vb, vbv) = (backend.Upload(visibleBias), backend.Upload(visibleVelocity));
        var s = new RbmStepParams { LearningRate = 0.01f, Momentum = 0.5f, WeightDecay = 2e-7f, InvBatch = 1f / batch };
        yield return new("cd-update", "weights", weightBytes, () =>
        {
            launches.CdUpdate(visible, device.RowOffsets, device.Columns, device.Weights, device.Velocity, vd, hd, vm, hm, stride, s);
            accelerator.Synchronize();
        });
        yield return new("cd-update", "biases", biasBytes, () =>
        {
            launches.UpdateBias(visible, vb, vbv, vd, vm, stride, s);
            launches.UpdateBias(hidden, device.Bias, device.BiasVelocity, hd, hm, stride, s);
            accelerator.Synchronize();
        });
    }
}
