using ILGPU;
using ILGPU.Runtime;
using SetGpu.Gpu.Kernels;
using Block = ILGPU.Runtime.MemoryBuffer1D<float, ILGPU.Stride1D.Dense>;

namespace SetGpu.Gpu;

/// <summary>
/// The launches of the MLP's sparse kernel families on one layer, on the engine's accelerator: forward SpMM
/// (<see cref="SpmmForwardKernel"/>), transposed SpMM backward (<see cref="SpmmBackwardKernel"/>), SDDMM weight update
/// (<see cref="SddmmUpdateKernel"/>), bias update (<see cref="BiasUpdateKernel"/>) and SReLU step
/// (<see cref="SReluKernel"/>), on blocks laid out as <see cref="TrainingKernels"/> describes.
/// </summary>
internal interface ITrainingLaunches
{
    /// <summary>The forward gather of <paramref name="layer"/>: z and a (neuron × lanes blocks) from its input block x.</summary>
    void Forward(DeviceLayer layer, Block x, Block z, Block a, int batch, ActivationParams act);

    /// <summary>δ of the layer's inputs from δ of its outputs, with the weights before this step's update.</summary>
    void Backward(DeviceLayer layer, Block deltaOut, Block inputZ, Block deltaIn, int batch, ActivationParams inputAct);

    /// <summary>The weight gradient at the layer's connections fused with the optimiser step.</summary>
    void UpdateWeights(DeviceLayer layer, Block deltaOut, Block x, int batch, OptimizerParams opt);

    /// <summary>The bias gradient (mean δ over the batch) and the optimiser step.</summary>
    void UpdateBias(DeviceLayer layer, Block deltaOut, int batch, OptimizerParams opt);

    /// <summary>
    /// An SReLU layer's step: δ of its outputs (∂loss/∂a on entry) times f'(z), and its parameters' gradients and
    /// optimiser step (<paramref name="opt"/> without decay).
    /// </summary>
    void UpdateSRelu(DeviceLayer layer, Block z, Block delta, int batch, OptimizerParams opt);
}

/// <summary>
/// Opens the launches for an accelerator: the pointer instantiation on ILGPU's CPU accelerator (its buffers are host
/// memory), the view instantiation everywhere else (see <see cref="IDeviceArray{T}"/>).
/// </summary>
internal static class TrainingLaunches
{
    public static ITrainingLaunches For(Accelerator accelerator) => accelerator.AcceleratorType == AcceleratorType.CPU
        ? new TrainingLaunches<PointerArray<float>, PointerArray<int>, PointerArray<Quad>, PointerKind>(accelerator)
        : new TrainingLaunches<ViewArray<float>, ViewArray<int>, ViewArray<Quad>, ViewKind>(accelerator);
}

/// <summary>The kernels instantiated for one kind of array, loaded once.</summary>
internal sealed class TrainingLaunches<TF, TI, TQ, TKind> : ITrainingLaunches
    where TF : struct, IDeviceArray<float>
    where TI : struct, IDeviceArray<int>
    where TQ : struct, IDeviceArray<Quad>
    where TKind : struct, IArrayKind<TF, TI, TQ>
{
    readonly Accelerator _accelerator;
    readonly TKind _kind = default;
    readonly Action<KernelConfig, LayerArrays<TF, TI>, TQ, TQ, TQ, int, int, int, ActivationParams> _forward, _backward;
    readonly Action<KernelConfig, LayerArrays<TF, TI>, TQ, TQ, int, int, int> _forwardPartial;
    readonly Action<KernelConfig, LayerArrays<TF, TI>, TQ, TQ, TQ, int, int, int, int, ActivationParams> _forwardFinish;
    /// <summary>The split forward's partial sums, grown to the largest layer that needed them (freed with the accelerator).</summary>
    Block? _partials;
    readonly Action<KernelConfig, LayerArrays<TF, TI>, TQ, TQ, int, int, int, OptimizerParams> _updateWeights;
    readonly Action<KernelConfig, LayerArrays<TF, TI>, TQ, int, int, int, OptimizerParams> _updateBias;
    readonly Action<KernelConfig, LayerArrays<TF, TI>, TQ, TQ, int, int, int, OptimizerParams> _updateSRelu;

    public TrainingLaunches(Accelerator accelerator)
    {
        _accelerator = accelerator;
        _forward = accelerator.LoadStreamKernel<LayerArrays<TF, TI>, TQ, TQ, TQ, int, int, int, ActivationParams>(
            SpmmForwardKernel.Forward<TF, TI, TQ>);
        _forwardPartial = accelerator.LoadStreamKernel<LayerArrays<TF, TI>, TQ, TQ, int, int, int>(
            SpmmForwardKernel.ForwardPartial<TF, TI, TQ>);
        _forwardFinish = accelerator.LoadStreamKernel<LayerArrays<TF, TI>, TQ, TQ, TQ, int, int, int, int, ActivationParams>(
            SpmmForwardKernel.ForwardFinish<TF, TI, TQ>);
        _backward = accelerator.LoadStreamKernel<LayerArrays<TF, TI>, TQ, TQ, TQ, int, int, int, ActivationParams>(
            SpmmBackwardKernel.Backward<TF, TI, TQ>);
        _updateWeights = accelerator.LoadStreamKernel<LayerArrays<TF, TI>, TQ, TQ, int, int, int, OptimizerParams>(
            SddmmUpdateKernel.UpdateWeights<TF, TI, TQ>);
        _updateBias = accelerator.LoadStreamKernel<LayerArrays<TF, TI>, TQ, int, int, int, OptimizerParams>(
            BiasUpdateKernel.UpdateBias<TF, TI, TQ>);
        _updateSRelu = accelerator.LoadStreamKernel<LayerArrays<TF, TI>, TQ, TQ, int, int, int, OptimizerParams>(
            SReluKernel.UpdateSRelu<TF, TI, TQ>);
    }

    public void Forward(DeviceLayer layer, Block x, Block z, Block a, int batch, ActivationParams act)
    {
        int quads = TrainingKernels.Lanes(batch) / 4;
        int segments = TrainingKernels.ForwardSegments(layer.Outputs, quads, layer.Connections);
        if (segments == 1)
        {
            _forward(Launch.For(_accelerator, TrainingKernels.GatherItems(layer.Outputs, quads)), Arrays(layer),
                _kind.Quads(x), _kind.Quads(z), _kind.Quads(a), layer.Outputs, batch, quads, act);
            return;
        }
        long parts = (long)layer.Outputs * segments * quads;
        if (_partials is null || _partials.Length < 4 * parts)
        {
            _partials?.Dispose();
            _partials = _accelerator.Allocate1D<float>(4 * parts);
        }
        var arrays = Arrays(layer);
        _forwardPartial(Launch.For(_accelerator, TrainingKernels.GatherItems(layer.Outputs, quads) * segments), arrays,
            _kind.Quads(x), _kind.Quads(_partials), layer.Outputs, quads, segments);
        _forwardFinish(Launch.For(_accelerator, (long)layer.Outputs * quads), arrays, _kind.Quads(_partials), _kind.Quads(z),
            _kind.Quads(a), layer.Outputs, batch, quads, segments, act);
    }

    public void Backward(DeviceLayer layer, Block deltaOut, Block inputZ, Block deltaIn, int batch, ActivationParams inputAct)
    {
        int quads = TrainingKernels.Lanes(batch) / 4;
        _backward(Launch.For(_accelerator, TrainingKernels.GatherItems(layer.Inputs, quads)), Arrays(layer),
            _kind.Quads(deltaOut), _kind.Quads(inputZ), _kind.Quads(deltaIn), layer.Inputs, batch, quads, inputAct);
    }

    public void UpdateWeights(DeviceLayer layer, Block deltaOut, Block x, int batch, OptimizerParams opt)
    {
        int quads = TrainingKernels.Lanes(batch) / 4;
        _updateWeights(Launch.For(_accelerator, layer.Inputs), Arrays(layer), _kind.Quads(deltaOut), _kind.Quads(x),
            layer.Inputs, batch, quads, opt);
    }

    public void UpdateBias(DeviceLayer layer, Block deltaOut, int batch, OptimizerParams opt) =>
        _updateBias(Launch.For(_accelerator, layer.Outputs), Arrays(layer), _kind.Quads(deltaOut), layer.Outputs, batch,
            TrainingKernels.Lanes(batch) / 4, opt);

    public void UpdateSRelu(DeviceLayer layer, Block z, Block delta, int batch, OptimizerParams opt) =>
        _updateSRelu(Launch.For(_accelerator, layer.Outputs), Arrays(layer), _kind.Quads(z), _kind.Quads(delta), layer.Outputs,
            batch, TrainingKernels.Lanes(batch) / 4, opt);

    /// <summary>
    /// The layer's current buffers (evolution replaces them, so this is taken at each launch). A one-array optimiser's
    /// first array stands in for the second, and the bias arrays for absent activation parameters: neither is touched.
    /// </summary>
    LayerArrays<TF, TI> Arrays(DeviceLayer layer)
    {
        var parameters = layer.ActivationParameters ?? layer.Bias;
        var parameterState = layer.ActivationParameters is null ? layer.BiasState : layer.ActivationState;
        return new()
        {
            RowOffsets = _kind.Ints(layer.RowOffsets), Columns = _kind.Ints(layer.Columns),
            IncomingOffsets = _kind.Ints(layer.IncomingOffsets), IncomingInputs = _kind.Ints(layer.IncomingInputs),
            IncomingWeightIndex = _kind.Ints(layer.IncomingWeightIndex),
            Weights = _kind.Floats(layer.Weights), State = _kind.Floats(layer.State[0]), State2 = _kind.Floats(layer.State[^1]),
            Bias = _kind.Floats(layer.Bias), BiasState = _kind.Floats(layer.BiasState[0]), BiasState2 = _kind.Floats(layer.BiasState[^1]),
            ActivationParameters = _kind.Floats(parameters), ActivationState = _kind.Floats(parameterState[0]),
            ActivationState2 = _kind.Floats(parameterState[^1]),
        };
    }
}
