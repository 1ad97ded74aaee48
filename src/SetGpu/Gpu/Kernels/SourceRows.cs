using ILGPU;
using ILGPU.Runtime;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// The rows of the layer before the step: CSR pattern, values, the optimiser's state (two arrays; a one-array
/// optimiser's first twice, the second never read) and the removal mask.
/// </summary>
internal struct SourceRows
{
    public ArrayView<int> Offsets;
    public ArrayView<int> Columns;
    public ArrayView<byte> Removed;
    public ArrayView<float> Weights;
    public ArrayView<float> Velocity;
    public ArrayView<float> Velocity2;

    /// <summary>The rows of <paramref name="layer"/> as they are, with the removal mask of this step.</summary>
    public static SourceRows Of(DeviceLayer layer, MemoryBuffer1D<byte, Stride1D.Dense> removed) => new()
    {
        Offsets = layer.RowOffsets.View, Columns = layer.Columns.View, Removed = removed.View,
        Weights = layer.Weights.View, Velocity = layer.State[0].View, Velocity2 = layer.State[^1].View,
    };
}
