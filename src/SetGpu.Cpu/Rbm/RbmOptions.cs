using SetGpu.Model;

namespace SetGpu.Rbm;

/// <summary>The architecture of a SET restricted Boltzmann machine and the parameters of its evolution.</summary>
public sealed record RbmOptions
{
    /// <summary>Visible units (the data's features).</summary>
    public required int Visible { get; init; }
    /// <summary>Hidden units.</summary>
    public int Hidden { get; init; } = 200;
    /// <summary>Distribution of the visible units.</summary>
    public VisibleUnitKind VisibleUnits { get; init; } = VisibleUnitKind.Bernoulli;
    /// <summary>ε: the visible–hidden layer gets ε·(visible + hidden) connections (capped at visible·hidden).</summary>
    public double Epsilon { get; init; } = 10;
    /// <summary>ζ: the fraction of negative and of positive weights removed (and regrown) by each evolution step.</summary>
    public double Zeta { get; init; } = 0.3;
    /// <summary>SET (evolving), static sparse or dense.</summary>
    public TopologyKind Topology { get; init; } = TopologyKind.Set;
    /// <summary>
    /// Standard deviation of new weights, initial and regrown: N(0, 1)·scale. The reference code draws
    /// N(0, 1)/20, so 0.05.
    /// </summary>
    public float InitScale { get; init; } = 0.05f;
    /// <summary>
    /// After the last epoch, prune as every evolution does but regrow nothing, as the reference code does
    /// (it leaves the statistics to the connections that were trained). The count of connections then drops by
    /// the pruned ones, once.
    /// </summary>
    public bool PruneAfterLastEpoch { get; init; }

    /// <summary>Refuses options that cannot train, with a message naming the option and its value.</summary>
    public void Validate()
    {
        if (Visible <= 0) throw new ArgumentException($"visible units must be at least 1, got {Visible}");
        if (Hidden <= 0) throw new ArgumentException($"hidden units must be at least 1, got {Hidden}");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"epsilon must be a positive number, got {Epsilon}");
        if (!(Zeta >= 0 && Zeta < 1)) throw new ArgumentException($"zeta must lie in [0, 1), got {Zeta}");
        if (!(InitScale > 0) || !float.IsFinite(InitScale)) throw new ArgumentException($"init scale must be a positive number, got {InitScale}");
        if (!Enum.IsDefined(VisibleUnits)) throw new ArgumentException($"visible units: unknown kind {VisibleUnits}");
        if (!Enum.IsDefined(Topology)) throw new ArgumentException($"topology: unknown kind {Topology}");
        if (InitialConnections > int.MaxValue)
            throw new ArgumentException($"{InitialConnections} connections exceed the 2^31-1 a layer can hold; lower epsilon or the hidden units");
    }

    /// <summary>Connections at initialisation: ε·(visible + hidden), capped at visible·hidden; all for a dense RBM.</summary>
    public long InitialConnections
    {
        get
        {
            long full = (long)Visible * Hidden;
            return Topology == TopologyKind.Dense ? full : Math.Min(full, (long)(Epsilon * ((long)Visible + Hidden)));
        }
    }

    /// <summary>Whether the topology evolves.</summary>
    public bool Evolves => Topology == TopologyKind.Set;
}
