using ILGPU;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// An array in device memory as the hot kernels (<see cref="SpmmForwardKernel.Forward"/>,
/// <see cref="SpmmBackwardKernel.Backward"/>, <see cref="SddmmUpdateKernel.UpdateWeights"/>,
/// <see cref="BiasUpdateKernel.UpdateBias"/>, <see cref="SReluKernel.UpdateSRelu"/>, and the RBM's <see cref="RbmGatherKernel.Gather"/> and
/// <see cref="CdUpdateKernels.CdUpdate"/>) read and write it. The kernels
/// are generic over it and the engine loads one instantiation per accelerator (<see cref="TrainingLaunches{TF, TI, TQ, TKind}"/>):
/// <list type="bullet">
/// <item>on CUDA and OpenCL, <see cref="ViewArray{T}"/>: an <see cref="ArrayView{T}"/>, compiled to plain loads and
/// stores;</item>
/// <item>on ILGPU's CPU accelerator, which runs kernels as .NET code, <see cref="PointerArray{T}"/>: a raw pointer into
/// the same buffer. There every view access is a range assertion (a call) plus a buffer check, and the call makes the
/// JIT keep the kernels' float sums on the stack; through a pointer the same loop ran 5.6× faster.</item>
/// </list>
/// </summary>
internal interface IDeviceArray<T> where T : unmanaged
{
    /// <summary>Element <paramref name="index"/>.</summary>
    T this[int index] { get; set; }
}

/// <summary>A device array as an ILGPU view (every accelerator; the one the GPU backends compile).</summary>
internal readonly struct ViewArray<T>(ArrayView<T> view) : IDeviceArray<T> where T : unmanaged
{
    readonly ArrayView<T> _view = view;

    /// <inheritdoc/>
    public T this[int index]
    {
        get => _view[index];
        set => _view[index] = value;
    }
}

/// <summary>
/// A device array as the address of a buffer in host memory: only for ILGPU's CPU accelerator, whose buffers are
/// host memory. The engine takes the address at each launch, so a buffer replaced by evolution is never read through
/// a stale pointer.
/// </summary>
internal readonly unsafe struct PointerArray<T>(IntPtr address) : IDeviceArray<T> where T : unmanaged
{
    readonly long _address = address.ToInt64();

    /// <inheritdoc/>
    public T this[int index]
    {
        get => ((T*)_address)[index];
        set => ((T*)_address)[index] = value;
    }
}

/// <summary>
/// One layer's device arrays as the training kernels see them (see <see cref="DeviceLayer"/>). Each parameter array
/// comes with the optimiser's two state arrays (<see cref="OptimizerParams.Step"/>); a one-array optimiser (SGD) gets
/// its first array twice and never touches the second. A layer without learned activation parameters gets its bias
/// arrays in their place, never read.
/// </summary>
internal struct LayerArrays<TF, TI>
    where TF : struct, IDeviceArray<float>
    where TI : struct, IDeviceArray<int>
{
    public TI RowOffsets, Columns, IncomingOffsets, IncomingInputs, IncomingWeightIndex;
    public TF Weights, State, State2, Bias, BiasState, BiasState2;
    /// <summary>SReLU's parameters, planar (4 × outputs, see <c>SReluParameters</c>), and their state.</summary>
    public TF ActivationParameters, ActivationState, ActivationState2;
}
