using SetGpu.Evolution;
using SetGpu.Rng;

namespace SetGpu.Model;

/// <summary>
/// A SET multilayer perceptron on the host: the canonical state that engines load from and export to, and that
/// checkpoints and exports are made of.
/// </summary>
public sealed class SparseNetwork
{
    /// <summary>Wraps existing layers (taken, not copied), checking they have the shapes <paramref name="spec"/> gives.</summary>
    public SparseNetwork(SetMlpSpec spec, IReadOnlyList<SparseLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count != spec.LayerCount)
            throw new ArgumentException($"{layers.Count} layers, but the specification has {spec.LayerCount}");
        for (int l = 0; l < layers.Count; l++)
            if (layers[l].Inputs != spec.LayerSizes[l] || layers[l].Outputs != spec.LayerSizes[l + 1])
                throw new ArgumentException($"layer {l} is {layers[l].Inputs} × {layers[l].Outputs}, the specification says {spec.LayerSizes[l]} × {spec.LayerSizes[l + 1]}");
            else if (layers[l].StateArrays != spec.Optimizer.StateArrays)
                throw new ArgumentException($"layer {l} has {layers[l].StateArrays} optimiser state arrays, the specification's optimiser keeps {spec.Optimizer.StateArrays}");
        Spec = spec;
        Layers = layers;
    }

    /// <summary>The architecture, evolution, optimiser and schedule.</summary>
    public SetMlpSpec Spec { get; }
    /// <summary>The seed every random stream of this network is keyed by (the specification's).</summary>
    public ulong Seed => Spec.Seed;
    /// <summary>Weight layers, input side first.</summary>
    public IReadOnlyList<SparseLayer> Layers { get; }

    /// <summary>Connections in all layers.</summary>
    public long Connections => Layers.Sum(l => (long)l.Connections);

    /// <summary>
    /// A new network with Erdős–Rényi topology: ε·(n_in + n_out) distinct connections per layer at uniformly
    /// random positions (all positions for dense layers), values from the chosen initialiser, zero biases, the
    /// activation's initial parameters (<see cref="SReluParameters.Initial"/>), zero optimiser state. Validates
    /// <paramref name="spec"/> first: this is where a specification becomes a network.
    /// </summary>
    public static SparseNetwork Create(SetMlpSpec spec)
    {
        spec.Validate();
        var options = spec;
        ulong seed = spec.Seed;
        var layers = new SparseLayer[options.LayerCount];
        // A big network makes its layers one after another (each one's regrowth is parallel inside), so that the
        // creation peak holds one layer's candidate arrays, not two.
        bool big = Enumerable.Range(0, options.LayerCount).Sum(options.InitialConnections) >= 1 << 24;
        Parallel.For(0, layers.Length, new ParallelOptions { MaxDegreeOfParallelism = big ? 1 : -1 }, l =>
        {
            int inputs = options.LayerSizes[l], outputs = options.LayerSizes[l + 1];
            long count = options.InitialConnections(l);
            var pattern = Regrowth.SelectEmpty(inputs, outputs, Occupancy.None(inputs), count,
                CounterRng.Key(seed, RngStream.InitialTopology, l, 0));
            var init = WeightInit.For(options.WeightInit, count / (double)outputs);
            var weights = NewWeights(pattern, outputs, init, CounterRng.Key(seed, RngStream.InitialWeights, l, 0));
            var activation = options.ActivationOf(l);
            int states = options.Optimizer.StateArrays;
            var regrowth = options.Regrowth == RegrowthValues.Zero ? WeightInit.Zero : init;
            layers[l] = new SparseLayer(inputs, outputs, activation, regrowth, pattern, weights,
                Zeros(states, weights.Length), new float[outputs], Zeros(states, outputs),
                activation.Kind == ActivationKind.SRelu ? SReluParameters.Initial(seed, l, outputs) : null);
            if (big) GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false); // the candidates go before the next layer's
        });
        var network = new SparseNetwork(spec, layers);
        // The regrowth's candidate arrays of a big network are gigabytes of garbage: hand them back to the system now
        // rather than carry them through training.
        if (network.Connections >= 1 << 24) GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return network;
    }

    static float[][] Zeros(int arrays, int length) => Enumerable.Range(0, arrays).Select(_ => new float[length]).ToArray();

    /// <summary>Initial values for every position of a pattern.</summary>
    static float[] NewWeights(Sparse.CsrPattern pattern, int columns, WeightInit init, ulong key)
    {
        var weights = new float[pattern.Count];
        Parallel.For(0, pattern.Rows, row =>
        {
            for (int k = pattern.Offsets[row]; k < pattern.Offsets[row + 1]; k++)
                weights[k] = init.Value(key, (long)row * columns + pattern.Columns[k]);
        });
        return weights;
    }

    /// <summary>A deep copy.</summary>
    public SparseNetwork Clone() => new(Spec, Layers.Select(l => l.Clone()).ToArray());

    /// <summary>One line per layer: shape, connections, density, activation; dense layers say so.</summary>
    public string Summary()
    {
        var lines = new List<string>();
        for (int l = 0; l < Layers.Count; l++)
        {
            var layer = Layers[l];
            string dense = layer.IsDense ? (Spec.Topology == TopologyKind.Dense ? "  dense" : "  dense (epsilon caps at full density)") : "";
            lines.Add($"layer {l}: {layer.Inputs,8} -> {layer.Outputs,-8} {layer.Connections,12:N0} connections  density {layer.Density:P3}  {layer.Activation}{dense}");
        }
        lines.Add($"total: {Connections:N0} connections, {Layers.Sum(l => (long)l.Outputs):N0} neurons beyond the input, topology {Spec.Topology}");
        return string.Join(Environment.NewLine, lines);
    }
}
