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
    /// <summary>Wraps an existing layer and visible bias (taken, not copied).</summary>
    public SparseRbm(RbmOptions options, ulong seed, SparseLayer weights, float[] visibleBias, float[]? visibleBiasVelocity = null)
    {
        if (weights.Inputs != options.Visible || weights.Outputs != options.Hidden)
            throw new ArgumentException($"weights are {weights.Inputs} x {weights.Outputs}, the options say {options.Visible} x {options.Hidden}");
        if (visibleBias.Length != options.Visible) throw new ArgumentException("visible bias length != visible units");
        Options = options;
        Seed = seed;
        Weights = weights;
        VisibleBias = visibleBias;
        VisibleBiasVelocity = visibleBiasVelocity ?? new float[visibleBias.Length];
    }

    /// <summary>The architecture and evolution parameters.</summary>
    public RbmOptions Options { get; }
    /// <summary>The seed every random stream of this RBM is keyed by.</summary>
    public ulong Seed { get; }
    /// <summary>Visible–hidden weights (rows = visible), with their momentum; its bias is the hidden bias.</summary>
    public SparseLayer Weights { get; }
    /// <summary>Bias of each visible unit.</summary>
    public float[] VisibleBias { get; }
    /// <summary>Momentum of each visible bias.</summary>
    public float[] VisibleBiasVelocity { get; }
    /// <summary>Bias of each hidden unit.</summary>
    public float[] HiddenBias => Weights.Bias;
    /// <summary>Visible units.</summary>
    public int Visible => Weights.Inputs;
    /// <summary>Hidden units.</summary>
    public int Hidden => Weights.Outputs;
    /// <summary>Connections.</summary>
    public int Connections => Weights.Connections;

    /// <summary>The initialiser of new connections (initial and regrown): N(0, 1)·<see cref="RbmOptions.InitScale"/>.</summary>
    public static WeightInit Init(RbmOptions options) => new(WeightInitKind.ReferenceNormal, options.InitScale);

    /// <summary>
    /// A new RBM with an Erdős–Rényi topology: ε·(visible + hidden) distinct connections at uniformly random
    /// positions (all positions when dense), values N(0, 1)·scale, zero biases. Drawn from the same streams as
    /// <see cref="SparseNetwork.Create"/>'s first layer.
    /// </summary>
    public static SparseRbm Create(RbmOptions options, ulong seed)
    {
        options.Validate();
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
        return new SparseRbm(options, seed, layer, new float[visible]);
    }

    /// <summary>A deep copy.</summary>
    public SparseRbm Clone() => new(Options, Seed, Weights.Clone(), (float[])VisibleBias.Clone(), (float[])VisibleBiasVelocity.Clone());

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
        string dense = Weights.IsDense ? (Options.Topology == TopologyKind.Dense ? "  dense" : "  dense (epsilon caps at full density)") : "";
        return $"RBM {Visible} {Options.VisibleUnits.ToString().ToLowerInvariant()} visible x {Hidden} bernoulli hidden: " +
               $"{Connections:N0} connections  density {Weights.Density:P3}  topology {Options.Topology}{dense}";
    }
}
