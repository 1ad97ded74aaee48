using ILGPU;
using ILGPU.Runtime;
using SetGpu.Gpu.Kernels;
using Block = ILGPU.Runtime.MemoryBuffer1D<float, ILGPU.Stride1D.Dense>;

namespace SetGpu.Gpu;

/// <summary>How an engine hands its buffers to the kernels that are generic over <see cref="IDeviceArray{T}"/> (<see cref="TrainingLaunches"/>, <see cref="Rbm.RbmLaunches"/>).</summary>
internal interface IArrayKind<TF, TI>
{
    TF Floats(MemoryBuffer1D<float, Stride1D.Dense> buffer);
    TI Ints(MemoryBuffer1D<int, Stride1D.Dense> buffer);
}

/// <summary>The same, with activation blocks as quads.</summary>
internal interface IArrayKind<TF, TI, TQ> : IArrayKind<TF, TI>
{
    TQ Quads(Block block);
}

/// <summary>Buffers as views.</summary>
internal readonly struct ViewKind : IArrayKind<ViewArray<float>, ViewArray<int>, ViewArray<Quad>>
{
    public ViewArray<float> Floats(MemoryBuffer1D<float, Stride1D.Dense> buffer) => new(buffer.View);
    public ViewArray<int> Ints(MemoryBuffer1D<int, Stride1D.Dense> buffer) => new(buffer.View);
    public ViewArray<Quad> Quads(Block block) => new(block.View.AsContiguous().Cast<Quad>());
}

/// <summary>Buffers as their addresses in host memory (ILGPU's CPU accelerator only).</summary>
internal readonly struct PointerKind : IArrayKind<PointerArray<float>, PointerArray<int>, PointerArray<Quad>>
{
    public PointerArray<float> Floats(MemoryBuffer1D<float, Stride1D.Dense> buffer) => new(buffer.NativePtr);
    public PointerArray<int> Ints(MemoryBuffer1D<int, Stride1D.Dense> buffer) => new(buffer.NativePtr);
    public PointerArray<Quad> Quads(Block block) => new(block.NativePtr);
}
