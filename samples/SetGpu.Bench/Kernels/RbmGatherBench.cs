using SetGpu.Cpu.Rbm;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.Gpu.Rbm;
using SetGpu.Sparse;

namespace SetGpu.Bench.Kernels;

/// <summary>
/// The RBM gathers on the problem's layer as an N × N RBM: hidden (incoming index, sampling epilogue) and visible (CSR
/// rows, mean and squared error), by <see cref="RbmGather"/> and <see cref="IRbmLaunches.Gather"/>.
/// </summary>
internal static class RbmGatherBench
{
    public static IEnumerable<KernelCase> Cases(KernelProblem p, KernelBackend backend)
    {
        var layer = p.Layer();
        int visible = layer.Inputs, hidden = layer.Outputs, stride = p.Stride, batch = p.Batch;
        long hiddenBytes = BandwidthModel.RbmGather(visible, hidden, layer.Connections, stride);
        long visibleBytes = BandwidthModel.RbmGather(hidden, visible, layer.Connections, stride);
        var visibleBias = KernelProblem.Block(visible, 1, 4);
        if (backend.IsCpuTwin)
        {
            var incoming = IncomingIndex.Build(layer.Pattern, hidden);
            var v = KernelProblem.Block(visible, stride, 1);
            var h = new float[(long)hidden * stride];
            var means = new float[(long)visible * stride];
            var errors = new double[visible];
            yield return new("rbm-gather", "hidden", hiddenBytes, () => RbmGather.Run(hidden, layer.Connections,
                new IncomingEntries(incoming, layer.Weights), layer.Bias, v, stride, new SampleHidden(h, batch, hidden, 7, 0)));
            yield return new("rbm-gather", "visible", visibleBytes, () => RbmGather.Run(visible, layer.Connections,
                new RowEntries(layer.Pattern, layer.Weights), visibleBias, h, stride,
                new VisibleMean(means, null, v, errors, false, batch, visible, 0)));
            yield break;
        }
        var accelerator = backend.Device;
        var launches = RbmLaunches.For(accelerator);
        var device = backend.Own(new DeviceLayer(accelerator, layer));
        var vd = backend.Upload(KernelProblem.Block(visible, stride, 1));
        var hd = backend.Allocate<float>((long)hidden * stride);
        var meansD = backend.Allocate<float>((long)visible * stride);
        var visibleBiasD = backend.Upload(visibleBias);
        var hiddenParams = new RbmGatherParams
        {
            Rows = hidden, Stride = stride, Batch = batch, Indirect = 1, Epilogue = 1, Units = hidden, Key = 7,
        };
        var visibleParams = new RbmGatherParams { Rows = visible, Stride = stride, Batch = batch, Indirect = 0, Epilogue = 2, Units = visible };
        yield return new("rbm-gather", "hidden", hiddenBytes, () =>
        {
            launches.Gather(hidden, device.IncomingOffsets, device.IncomingInputs, device.IncomingWeightIndex, device.Weights,
                device.Bias, vd, hd, hd, hiddenParams);
            accelerator.Synchronize();
        });
        yield return new("rbm-gather", "visible", visibleBytes, () =>
        {
            launches.Gather(visible, device.RowOffsets, device.Columns, device.IncomingWeightIndex, device.Weights, visibleBiasD,
                hd, meansD, meansD, visibleParams);
            accelerator.Synchronize();
        });
    }
}
