using System.Text.Json.Serialization;
using SetGpu.Rbm;

namespace SetGpu;

/// <summary>
/// A SET restricted Boltzmann machine and how it is trained (contrastive divergence): units, initialiser and the CD
/// variant over the shared SET, optimiser and schedule settings of <see cref="SetSpec"/>. The defaults are the SET-RBM
/// reference code's: ε = 10, batch 10, learning rate 0.1, no momentum, weight decay 2·10⁻⁷, CD-1.
/// </summary>
public sealed record SetRbmSpec : SetSpec
{
    /// <summary>The reference code's defaults where they differ from <see cref="SetSpec"/>'s.</summary>
    public SetRbmSpec()
    {
        Epsilon = 10;
        BatchSize = 10;
        Optimizer = new Sgd { LearningRate = 0.1f, Momentum = 0f, WeightDecay = 2e-7f };
    }

    /// <summary>Visible units (the data's features).</summary>
    public required int Visible { get; init; }
    /// <summary>Hidden units.</summary>
    public int Hidden { get; init; } = 200;
    /// <summary>Distribution of the visible units.</summary>
    public VisibleUnitKind VisibleUnits { get; init; } = VisibleUnitKind.Bernoulli;
    /// <summary>
    /// Standard deviation of new weights, initial and regrown: N(0, 1)·scale. The reference code draws N(0, 1)/20, so 0.05.
    /// </summary>
    public float InitScale { get; init; } = 0.05f;
    /// <summary>k of CD-k: Gibbs steps in the negative phase (the reference's lengthMarkovChain = 2 is CD-1).</summary>
    public int CdSteps { get; init; } = 1;
    /// <summary>
    /// Persistent contrastive divergence: the negative phase continues one fantasy chain per batch slot from where the
    /// previous step left it, instead of starting from the data's hidden states.
    /// </summary>
    public bool Persistent { get; init; }
    /// <summary>
    /// Sample the visible units in the negative phase. Off by default: the reference uses their probabilities (means),
    /// which lowers the variance of the model statistics.
    /// </summary>
    public bool SampleVisible { get; init; }
    /// <summary>
    /// Annealed importance sampling of the test log-likelihood: null for none, else after the last epoch, and also every
    /// <see cref="AisInterval"/> epochs when that is positive. Its runs are keyed by <see cref="SetSpec.Seed"/>.
    /// </summary>
    public AisOptions? Ais { get; init; }
    /// <summary>Estimate the log-likelihood every this many epochs (0: only after the last, when <see cref="Ais"/> is set).</summary>
    public int AisInterval { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        InvalidSpecException.Require(Optimizer is Sgd, nameof(Optimizer), $"the RBM trains with SGD (momentum, weight decay), not {Optimizer?.GetType().Name}");
        InvalidSpecException.Require(Visible > 0, nameof(Visible), $"visible units must be at least 1, got {Visible}");
        InvalidSpecException.Require(Hidden > 0, nameof(Hidden), $"hidden units must be at least 1, got {Hidden}");
        InvalidSpecException.Require(InitScale > 0 && float.IsFinite(InitScale), nameof(InitScale), $"init scale must be a positive number, got {InitScale}");
        InvalidSpecException.Require(Enum.IsDefined(VisibleUnits), nameof(VisibleUnits), $"visible units: unknown kind {VisibleUnits}");
        InvalidSpecException.Require(CdSteps >= 1, nameof(CdSteps), $"CD steps (k of CD-k) must be at least 1, got {CdSteps}");
        InvalidSpecException.Require(AisInterval >= 0, nameof(AisInterval), $"AIS interval must be 0 or more epochs, got {AisInterval}");
        InvalidSpecException.Require(AisInterval == 0 || Ais is not null, nameof(AisInterval), "AIS interval is set but AIS is not (give the AIS options)");
        Ais?.Validate();
        InvalidSpecException.Require(InitialConnections <= int.MaxValue, nameof(Epsilon),
            $"{InitialConnections} connections exceed the 2^31-1 a layer can hold; lower epsilon or the hidden units");
    }

    /// <summary>Connections at initialisation: ε·(visible + hidden), capped at visible·hidden; all for a dense RBM.</summary>
    [JsonIgnore]
    public long InitialConnections
    {
        get
        {
            long full = (long)Visible * Hidden;
            return Topology == TopologyKind.Dense ? full : Math.Min(full, (long)(Epsilon * ((long)Visible + Hidden)));
        }
    }

    /// <summary>The RBM's optimiser (SGD; refused otherwise by <see cref="Validate"/>).</summary>
    [JsonIgnore]
    public Sgd Sgd => (Sgd)Optimizer;

    /// <summary>Whether the topology evolves.</summary>
    [JsonIgnore]
    public bool Evolves => Topology == TopologyKind.Set;
}
