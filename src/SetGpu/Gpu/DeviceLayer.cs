using ILGPU;
using ILGPU.Runtime;
using SetGpu.Model;
using SetGpu.Sparse;
using Floats = ILGPU.Runtime.MemoryBuffer1D<float, ILGPU.Stride1D.Dense>;
using Ints = ILGPU.Runtime.MemoryBuffer1D<int, ILGPU.Stride1D.Dense>;

namespace SetGpu.Gpu;

/// <summary>
/// One weight layer in device memory, laid out as on the host (<see cref="SparseLayer"/>): CSR rows = input
/// neurons with a weight and the optimiser's state values (S arrays) per connection, dense biases with their state,
/// SReLU's parameters with theirs, and the incoming index (per output neuron: input neurons and weight indices) that
/// the forward gather reads. O(nnz + neurons) bytes, nothing dense.
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
        BiasState = layer.BiasState.Select(s => accelerator.Allocate1D(s)).ToArray();
        ActivationParameters = layer.ActivationParameters is { } parameters ? accelerator.Allocate1D(parameters) : null;
        ActivationState = ActivationParameters is null ? [] : layer.ActivationState.Select(s => accelerator.Allocate1D(s)).ToArray();
        SetConnections(layer.Pattern, layer.Weights, layer.WeightState);
    }

    public Accelerator Accelerator { get; }
    public int Inputs { get; }
    public int Outputs { get; }
    public LayerActivation Activation { get; }
    public WeightInit Init { get; }
    public int Connections { get; private set; }
    /// <summary>State values the optimiser keeps per parameter.</summary>
    public int StateArrays => BiasState.Length;

    public Ints RowOffsets { get; private set; } = null!;
    public Ints Columns { get; private set; } = null!;
    public Floats Weights { get; private set; } = null!;
    /// <summary>The optimiser's state arrays per connection.</summary>
    public Floats[] State { get; private set; } = [];
    /// <summary>The first state array per connection (SGD's momentum; the RBM's).</summary>
    public Floats Velocity => State[0];
    public Floats Bias { get; }
    /// <summary>The optimiser's state arrays per bias.</summary>
    public Floats[] BiasState { get; }
    /// <summary>The first state array per bias.</summary>
    public Floats BiasVelocity => BiasState[0];
    /// <summary>SReLU's parameters (4 × outputs, planar), or null for activations without parameters.</summary>
    public Floats? ActivationParameters { get; }
    /// <summary>The optimiser's state arrays per activation parameter (none without parameters).</summary>
    public Floats[] ActivationState { get; }
    public Ints IncomingOffsets { get; private set; } = null!;
    public Ints IncomingInputs { get; private set; } = null!;
    public Ints IncomingWeightIndex { get; private set; } = null!;

    /// <summary>Uploads a topology with its values and every state array, and builds the incoming index on the host.</summary>
    public void SetConnections(CsrPattern pattern, float[] weights, float[][] state)
    {
        var incoming = IncomingIndex.Build(pattern, Outputs);
        DisposeConnections();
        Connections = pattern.Count;
        RowOffsets = Accelerator.Allocate1D(pattern.Offsets);
        Columns = Accelerator.Allocate1D(pattern.Columns);
        Weights = Accelerator.Allocate1D(weights);
        State = state.Select(s => Accelerator.Allocate1D(s)).ToArray();
        IncomingOffsets = Accelerator.Allocate1D(incoming.Offsets);
        IncomingInputs = Accelerator.Allocate1D(incoming.Inputs);
        IncomingWeightIndex = Accelerator.Allocate1D(incoming.WeightIndex);
    }

    /// <summary>Takes buffers already on the device (after a device-side evolution); the old ones are freed.</summary>
    public void ReplaceConnections(DeviceConnections connections)
    {
        if (connections.State.Length != StateArrays)
            throw new ArgumentException($"{connections.State.Length} state arrays for a layer with {StateArrays}");
        DisposeConnections();
        Connections = (int)connections.Columns.Length;
        (RowOffsets, Columns, Weights, State) = (connections.RowOffsets, connections.Columns, connections.Weights, connections.State);
        (IncomingOffsets, IncomingInputs, IncomingWeightIndex) = (connections.IncomingOffsets, connections.IncomingInputs, connections.IncomingWeightIndex);
    }

    /// <summary>A host copy of the layer.</summary>
    public SparseLayer Download() => new(Inputs, Outputs, Activation, Init,
        new CsrPattern(RowOffsets.GetAsArray1D(), Columns.GetAsArray1D()), Weights.GetAsArray1D(),
        State.Select(s => s.GetAsArray1D()).ToArray(), Bias.GetAsArray1D(), BiasState.Select(s => s.GetAsArray1D()).ToArray(),
        ActivationParameters?.GetAsArray1D(), ActivationParameters is null ? null : ActivationState.Select(s => s.GetAsArray1D()).ToArray());

    void DisposeConnections()
    {
        RowOffsets?.Dispose();
        Columns?.Dispose();
        Weights?.Dispose();
        foreach (var s in State) s.Dispose();
        IncomingOffsets?.Dispose();
        IncomingInputs?.Dispose();
        IncomingWeightIndex?.Dispose();
    }

    public void Dispose()
    {
        DisposeConnections();
        Bias.Dispose();
        foreach (var s in BiasState) s.Dispose();
        ActivationParameters?.Dispose();
        foreach (var s in ActivationState) s.Dispose();
    }
}
