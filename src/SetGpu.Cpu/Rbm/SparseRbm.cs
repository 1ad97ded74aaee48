using SetGpu.Evolution;
using SetGpu.Model;
using SetGpu.Rng;

namespace SetGpu.Rbm;

/// <summary>
/// A SET restricted Boltzmann machine on the host: the canonical state that engines load from and export to.
/// The visible–hidden weights are one sparse layer in CSR form (rows = visible units, columns = hidden units,
/// W[i, j] connects visible i to hidden j) whose bias is the hidden bias; the visible bias is dense. Never a dense
/// visible × hidden array.
/// </summary>
public sealed class SparseRbm
{
    /// <summary>Wraps an existing layer, visible bias and chains (taken, not copied).</summary>
    public SparseRbm(SetRbmSpec spec, SparseLayer weights, float[] visibleBias, float[]? visibleBiasVelocity = null,
                     float[]? persistentChains = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (weights.Inputs != spec.Visible || weights.Outputs != spec.Hidden)
            throw new ArgumentException($"weights are {weights.Inputs} x {weights.Outputs}, the specification says {spec.Visible} x {spec.Hidden}");
        if (visibleBias.Length != spec.Visible) throw new ArgumentException("visible bias length != visible units");
        if (persistentChains is not null && persistentChains.Length != (long)spec.BatchSize * spec.Hidden)
            throw new ArgumentException($"persistent chains hold {persistentChains.Length} values, not batch {spec.BatchSize} × hidden {spec.Hidden}");
        Spec = spec;
        Weights = weights;
        VisibleBias = visibleBias;
        VisibleBiasVelocity = visibleBiasVelocity ?? new float[visibleBias.Length];
        PersistentChains = persistentChains;
    }

    /// <summary>The architecture, evolution, optimiser and schedule.</summary>
    public SetRbmSpec Spec { get; }
    /// <summary>The seed every random stream of this RBM is keyed by (the specification's).</summary>
    public ulong Seed => Spec.Seed;
    /// <summary>Visible–hidden weights (rows = visible), with their momentum; its bias is the hidden bias.</summary>
    public SparseLayer Weights { get; }
    /// <summary>Bias of each visible unit.</summary>
    public float[] VisibleBias { get; }
    /// <summary>Momentum of each visible bias.</summary>
    public float[] VisibleBiasVelocity { get; }
    /// <summary>
    /// Persistent CD's fantasy particles: the hidden states of one chain per batch slot, slot-major (slot · hidden + j);
    /// null until the first training step of a persistent run, and always null without <see cref="SetRbmSpec.Persistent"/>.
    /// </summary>
    public float[]? PersistentChains { get; }
    /// <summary>Bias of each hidden unit.</summary>
    public float[] HiddenBias => Weights.Bias;
    /// <summary>Visible units.</summary>
    public int Visible => Weights.Inputs;
    /// <summary>Hidden units.</summary>
    public int Hidden => Weights.Outputs;
    /// <summary>Connections.</summary>
    public int Connections => Weights.Connections;

    /// <summary>The initialiser of new connections (initial and regrown): N(0, 1)·<see cref="SetRbmSpec.InitScale"/>.</summary>
    public static WeightInit Init(SetRbmSpec spec) => new(WeightInitKind.ReferenceNormal, spec.InitScale);

    /// <summary>
    /// A new RBM with an Erdős–Rényi topology: ε·(visible + hidden) distinct connections at uniformly random
    /// positions (all positions when dense), values N(0, 1)·scale, zero biases. Drawn from the same streams as
    /// <see cref="SparseNetwork.Create"/>'s first layer. Validates <paramref name="spec"/> first: this is where a
    /// specification becomes an RBM.
    /// </summary>
    public static SparseRbm Create(SetRbmSpec spec)
    {
        spec.Validate();
        var options = spec;
        ulong seed = spec.Seed;
        int visible = options.Visible, hidden = options.Hidden;
        var pattern = Regrowth.SelectEmpty(visible, hidden, Occupancy.None(visible), options.InitialConnections,
            CounterRng.Key(seed, RngStream.InitialTopology, 0, 0));
        var init = Init(options);
        ulong key = CounterRng.Key(seed, RngStream.InitialWeights, 0, 0);
        var weights = new float[pattern.Count];
        for (int row = 0; row < visible; row++)
            for (int k = pattern.Offsets[row]; k < pattern.Offsets[row + 1]; k++)
                weights[k] = init.Value(key, (long)row * hidden + pattern.Columns[k]);
        var layer = new SparseLayer(visible, hidden, new LayerActivation(ActivationKind.Sigmoid), init, pattern, weights);
        return new SparseRbm(spec, layer, new float[visible]);
    }

    /// <summary>A deep copy.</summary>
    public SparseRbm Clone() => new(Spec, Weights.Clone(), (float[])VisibleBias.Clone(), (float[])VisibleBiasVelocity.Clone(),
                                    (float[]?)PersistentChains?.Clone());

    /// <summary>Checks the CSR invariants and that every parameter is finite.</summary>
    public void Validate()
    {
        Weights.Validate("RBM weights");
        foreach (var (name, values) in new[] { ("visible bias", VisibleBias), ("hidden bias", HiddenBias) })
            for (int i = 0; i < values.Length; i++)
                if (!float.IsFinite(values[i])) throw new InvalidDataException($"RBM {name} {i} is {values[i]}");
    }

    /// <summary>One line: shape, connections, density, units, topology.</summary>
    public string Summary()
    {
        string dense = Weights.IsDense ? (Spec.Topology == TopologyKind.Dense ? "  dense" : "  dense (epsilon caps at full density)") : "";
        return $"RBM {Visible} {Spec.VisibleUnits.ToString().ToLowerInvariant()} visible x {Hidden} bernoulli hidden: " +
               $"{Connections:N0} connections  density {Weights.Density:P3}  topology {Spec.Topology}{dense}";
    }
}
