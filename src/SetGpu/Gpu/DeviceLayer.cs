using ILGPU;
using ILGPU.Runtime;
using SetGpu.Model;
using SetGpu.Sparse;

namespace SetGpu.Gpu;

/// <summary>
/// One weight layer in device memory, laid out as on the host (<see cref="SparseLayer"/>): CSR rows = input
/// neurons with a weight and a momentum per connection, dense biases, and the incoming index (per output neuron:
/// input neurons and weight indices) that the forward gather reads. O(nnz + neurons) bytes, nothing dense.
/// </summary>
internal sealed class DeviceLayer : IDisposable
{
    public DeviceLayer(Accelerator accelerator, SparseLayer layer)
    {
        Accelerator = accelerator;
        Inputs = layer.Inputs;
        Outputs = layer.Outputs;
        Activation = layer.Activation;
        Init = layer.Init;
        Bias = accelerator.Allocate1D(layer.Bias);
        BiasVelocity = accelerator.Allocate1D(layer.BiasVelocity);
        SetConnections(layer.Pattern, layer.Weights, layer.WeightVelocity);
    }

    public Accelerator Accelerator { get; }
    public int Inputs { get; }
    public int Outputs { get; }
    public LayerActivation Activation { get; }
    public WeightInit Init { get; }
    public int Connections { get; private set; }

    public MemoryBuffer1D<int, Stride1D.Dense> RowOffsets { get; private set; } = null!;
    public MemoryBuffer1D<int, Stride1D.Dense> Columns { get; private set; } = null!;
    public MemoryBuffer1D<float, Stride1D.Dense> Weights { get; private set; } = null!;
    public MemoryBuffer1D<float, Stride1D.Dense> Velocity { get; private set; } = null!;
    public MemoryBuffer1D<float, Stride1D.Dense> Bias { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> BiasVelocity { get; }
    public MemoryBuffer1D<int, Stride1D.Dense> IncomingOffsets { get; private set; } = null!;
    public MemoryBuffer1D<int, Stride1D.Dense> IncomingInputs { get; private set; } = null!;
    public MemoryBuffer1D<int, Stride1D.Dense> IncomingWeightIndex { get; private set; } = null!;

    /// <summary>Uploads a topology with its values and builds the incoming index on the host.</summary>
    public void SetConnections(CsrPattern pattern, float[] weights, float[] velocity)
    {
        var incoming = IncomingIndex.Build(pattern, Outputs);
        DisposeConnections();
        Connections = pattern.Count;
        RowOffsets = Accelerator.Allocate1D(pattern.Offsets);
        Columns = Accelerator.Allocate1D(pattern.Columns);
        Weights = Accelerator.Allocate1D(weights);
        Velocity = Accelerator.Allocate1D(velocity);
        IncomingOffsets = Accelerator.Allocate1D(incoming.Offsets);
        IncomingInputs = Accelerator.Allocate1D(incoming.Inputs);
        IncomingWeightIndex = Accelerator.Allocate1D(incoming.WeightIndex);
    }

    /// <summary>Takes buffers already on the device (after a device-side evolution); the old ones are freed.</summary>
    public void ReplaceConnections(MemoryBuffer1D<int, Stride1D.Dense> rowOffsets, MemoryBuffer1D<int, Stride1D.Dense> columns,
                                   MemoryBuffer1D<float, Stride1D.Dense> weights, MemoryBuffer1D<float, Stride1D.Dense> velocity,
                                   MemoryBuffer1D<int, Stride1D.Dense> incomingOffsets, MemoryBuffer1D<int, Stride1D.Dense> incomingInputs,
                                   MemoryBuffer1D<int, Stride1D.Dense> incomingWeightIndex)
    {
        DisposeConnections();
        Connections = (int)columns.Length;
        (RowOffsets, Columns, Weights, Velocity) = (rowOffsets, columns, weights, velocity);
        (IncomingOffsets, IncomingInputs, IncomingWeightIndex) = (incomingOffsets, incomingInputs, incomingWeightIndex);
    }

    /// <summary>A host copy of the layer.</summary>
    public SparseLayer Download() => new(Inputs, Outputs, Activation, Init,
        new CsrPattern(RowOffsets.GetAsArray1D(), Columns.GetAsArray1D()), Weights.GetAsArray1D(), Velocity.GetAsArray1D(),
        Bias.GetAsArray1D(), BiasVelocity.GetAsArray1D());

    void DisposeConnections()
    {
        RowOffsets?.Dispose();
        Columns?.Dispose();
        Weights?.Dispose();
        Velocity?.Dispose();
        IncomingOffsets?.Dispose();
        IncomingInputs?.Dispose();
        IncomingWeightIndex?.Dispose();
    }

    public void Dispose()
    {
        DisposeConnections();
        Bias.Dispose();
        BiasVelocity.Dispose();
    }
}
