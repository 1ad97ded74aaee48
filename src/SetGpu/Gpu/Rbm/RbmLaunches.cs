using ILGPU;
using ILGPU.Runtime;
using SetGpu.Gpu.Kernels;
using Block = ILGPU.Runtime.MemoryBuffer1D<float, ILGPU.Stride1D.Dense>;
using Ints = ILGPU.Runtime.MemoryBuffer1D<int, ILGPU.Stride1D.Dense>;

namespace SetGpu.Gpu.Rbm;

/// <summary>
/// The launches of the RBM's kernel families on the engine's accelerator: the gather (<see cref="RbmGatherKernel"/>) and
/// the CD update of weights and biases (<see cref="CdUpdateKernels"/>).
/// </summary>
internal interface IRbmLaunches
{
    /// <summary><see cref="RbmGatherKernel.Gather{TF, TI}"/> over <paramref name="rows"/> rows of a block of <c>p.Stride</c> lanes.</summary>
    void Gather(int rows, Ints offsets, Ints sources, Ints weightIndex, Block weights, Block bias, Block src, Block dst,
                Block pre, RbmGatherParams p);

    /// <summary><see cref="CdUpdateKernels.CdUpdate{TF, TI}"/> over the visible rows.</summary>
    void CdUpdate(int rows, Ints offsets, Ints columns, Block weights, Block velocity, Block vData, Block hData,
                  Block vModel, Block hModel, int stride, RbmStepParams s);

    /// <summary><see cref="CdUpdateKernels.UpdateBias"/> over <paramref name="units"/> biases and their momenta.</summary>
    void UpdateBias(int units, Block bias, Block velocity, Block data, Block model, int stride, RbmStepParams s);
}

/// <summary>Opens the launches for an accelerator: pointers on ILGPU's CPU accelerator, views elsewhere (as <see cref="TrainingLaunches"/>).</summary>
internal static class RbmLaunches
{
    public static IRbmLaunches For(Accelerator accelerator) => accelerator.AcceleratorType == AcceleratorType.CPU
        ? new RbmLaunches<PointerArray<float>, PointerArray<int>, PointerKind>(accelerator)
        : new RbmLaunches<ViewArray<float>, ViewArray<int>, ViewKind>(accelerator);
}

/// <summary>The RBM kernels instantiated for one kind of array, loaded once.</summary>
internal sealed class RbmLaunches<TF, TI, TKind> : IRbmLaunches
    where TF : struct, IDeviceArray<float>
    where TI : struct, IDeviceArray<int>
    where TKind : struct, IArrayKind<TF, TI>
{
    readonly Accelerator _accelerator;
    readonly TKind _kind = default;
    readonly Action<KernelConfig, TI, TI, TI, TF, TF, TF, TF, TF, RbmGatherParams> _gather;
    readonly Action<KernelConfig, TI, TI, TF, TF, TF, TF, TF, TF, int, int, RbmStepParams> _cdUpdate;
    readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, RbmStepParams> _updateBias;

    public RbmLaunches(Accelerator accelerator)
    {
        _accelerator = accelerator;
        _gather = accelerator.LoadStreamKernel<TI, TI, TI, TF, TF, TF, TF, TF, RbmGatherParams>(RbmGatherKernel.Gather<TF, TI>);
        _cdUpdate = accelerator.LoadStreamKernel<TI, TI, TF, TF, TF, TF, TF, TF, int, int, RbmStepParams>(CdUpdateKernels.CdUpdate<TF, TI>);
        _updateBias = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int,
            RbmStepParams>(CdUpdateKernels.UpdateBias);
    }

    public void Gather(int rows, Ints offsets, Ints sources, Ints weightIndex, Block weights, Block bias, Block src, Block dst,
                       Block pre, RbmGatherParams p) =>
        _gather(Launch.For(_accelerator, (long)rows * p.Stride), _kind.Ints(offsets), _kind.Ints(sources), _kind.Ints(weightIndex),
            _kind.Floats(weights), _kind.Floats(bias), _kind.Floats(src), _kind.Floats(dst), _kind.Floats(pre), p);

    public void CdUpdate(int rows, Ints offsets, Ints columns, Block weights, Block velocity, Block vData, Block hData,
                         Block vModel, Block hModel, int stride, RbmStepParams s) =>
        _cdUpdate(Launch.For(_accelerator, rows), _kind.Ints(offsets), _kind.Ints(columns), _kind.Floats(weights),
            _kind.Floats(velocity), _kind.Floats(vData), _kind.Floats(hData), _kind.Floats(vModel), _kind.Floats(hModel),
            rows, stride, s);

    public void UpdateBias(int units, Block bias, Block velocity, Block data, Block model, int stride, RbmStepParams s) =>
        _updateBias(Launch.For(_accelerator, units), bias.View, velocity.View, data.View, model.View, units, stride, s);
}
