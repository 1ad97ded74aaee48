using System.Text.Json.Serialization;

namespace SetGpu;

/// <summary>
/// Everything that defines a SET run, given once: the sparse topology and its evolution (ε, ζ), the optimiser, the
/// schedule of epochs and batches, and the one seed every random stream is keyed by. Each model adds its architecture
/// (<see cref="SetMlpSpec"/>, <see cref="SetRbmSpec"/>). A specification is validated once, when a model is made from
/// it; engines are built from it, and the run loop reads the schedule and the evolution policy from it alone.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "model")]
[JsonDerivedType(typeof(SetMlpSpec), "mlp")]
[JsonDerivedType(typeof(SetRbmSpec), "rbm")]
public abstract record SetSpec
{
    /// <summary>ε: a layer of n_in × n_out gets ε·(n_in + n_out) connections (capped at n_in·n_out).</summary>
    public double Epsilon { get; init; } = 20;
    /// <summary>ζ: the fraction of negative and of positive weights removed (and regrown) by each evolution step.</summary>
    public double Zeta { get; init; } = 0.3;
    /// <summary>SET (evolving), static sparse or dense.</summary>
    public TopologyKind Topology { get; init; } = TopologyKind.Set;
    /// <summary>Evolve after every this many epochs.</summary>
    public int EvolutionInterval { get; init; } = 1;
    /// <summary>
    /// After the last epoch, prune as every evolution does but regrow nothing (as the SET-RBM reference code does): the
    /// network keeps the connections that were trained, one step's worth fewer. Otherwise nothing evolves after the
    /// last epoch.
    /// </summary>
    public bool PruneAfterLastEpoch { get; init; }
    /// <summary>The optimiser and its step size, weight decay and state.</summary>
    public Optimizer Optimizer { get; init; } = new Sgd();
    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Samples per mini-batch (the last batch of an epoch may be short).</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>How the learning rate (and with it ζ and the weight decay) changes over the epochs.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    /// <summary>
    /// Early stopping: stop once the validation loss has not improved for this many epochs (0: never; needs a
    /// validation split).
    /// </summary>
    public int Patience { get; init; }
    /// <summary>Seed of topology, initial values, sample order, dropout and every sampled state.</summary>
    public ulong Seed { get; init; } = 42;
    /// <summary>Samples per batch when evaluating or predicting (no effect on results).</summary>
    public int EvaluationBatchSize { get; init; } = 256;

    /// <summary>
    /// Refuses a specification that cannot train, with an <see cref="InvalidSpecException"/> naming the field and its
    /// value. Models call it once, when they are created.
    /// </summary>
    public virtual void Validate()
    {
        InvalidSpecException.Require(Epsilon > 0 && !double.IsInfinity(Epsilon), nameof(Epsilon), $"epsilon must be a positive number, got {Epsilon}");
        InvalidSpecException.Require(Zeta >= 0 && Zeta < 1, nameof(Zeta), $"zeta must lie in [0, 1), got {Zeta}");
        InvalidSpecException.Require(Enum.IsDefined(Topology), nameof(Topology), $"topology: unknown kind {Topology}");
        InvalidSpecException.Require(EvolutionInterval >= 1, nameof(EvolutionInterval), $"evolution interval must be at least 1, got {EvolutionInterval}");
        InvalidSpecException.Require(Optimizer is not null, nameof(Optimizer), "an optimiser is required");
        Optimizer!.Validate();
        InvalidSpecException.Require(Epochs >= 1, nameof(Epochs), $"epochs must be at least 1, got {Epochs}");
        InvalidSpecException.Require(BatchSize >= 1, nameof(BatchSize), $"batch size must be at least 1, got {BatchSize}");
        InvalidSpecException.Require(Enum.IsDefined(Schedule), nameof(Schedule), $"learning-rate schedule: unknown kind {Schedule}");
        InvalidSpecException.Require(Patience >= 0, nameof(Patience), $"patience must be 0 (no early stopping) or more epochs, got {Patience}");
        InvalidSpecException.Require(EvaluationBatchSize >= 1, nameof(EvaluationBatchSize), $"evaluation batch size must be at least 1, got {EvaluationBatchSize}");
    }

    /// <summary>Refuses training data this specification cannot train on (the batch must fit in the training split).</summary>
    public void ValidateFor(int trainingSamples)
    {
        if (BatchSize > trainingSamples)
            throw new InvalidSpecException(nameof(BatchSize), $"batch size {BatchSize} is larger than the {trainingSamples} training samples");
    }

    /// <summary>The learning rate of epoch <paramref name="epoch"/> (0-based) under <see cref="Schedule"/>.</summary>
    public float LearningRateAt(int epoch) => Schedule switch
    {
        // Half a cosine from the full rate at the first epoch towards zero after the last one.
        LearningRateSchedule.Cosine => (float)(Optimizer.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * epoch / Epochs))),
        _ => Optimizer.LearningRate,
    };

    /// <summary>The schedule's factor at <paramref name="epoch"/>: <see cref="LearningRateAt"/> / the optimiser's rate.</summary>
    public double ScheduleFactor(int epoch) => LearningRateAt(epoch) / (double)Optimizer.LearningRate;

    /// <summary>
    /// The step sizes of epoch <paramref name="epoch"/>: the scheduled learning rate, and the weight decay the optimiser
    /// applies at that rate (<see cref="Optimizer.DecayAt"/>): SGD's per-step decay scaled by the same factor, Adam's
    /// unscaled since it enters through η.
    /// </summary>
    public StepSize StepAt(int epoch)
    {
        float rate = LearningRateAt(epoch);
        return new StepSize(rate, Optimizer.DecayAt(rate));
    }

    /// <summary>
    /// ζ of the evolution after epoch <paramref name="epoch"/>: it follows the learning-rate schedule (as RigL anneals its
    /// drop fraction), since connections regrown when the rate is near zero could not be trained any more, and a
    /// constant ζ would keep randomising a converged network.
    /// </summary>
    public double ZetaAt(int epoch) => Zeta * ScheduleFactor(epoch);

    /// <summary>Whether the topology evolves after epoch <paramref name="epoch"/> (0-based).</summary>
    public bool EvolvesAfter(int epoch) => Topology == TopologyKind.Set && (epoch + 1) % EvolutionInterval == 0
                                           && (epoch < Epochs - 1 || PruneAfterLastEpoch);

    /// <summary>Whether the evolution after epoch <paramref name="epoch"/> regrows what it prunes (all but the last).</summary>
    public bool RegrowsAfter(int epoch) => epoch < Epochs - 1;

    /// <summary>Mini-batches in an epoch of <paramref name="samples"/> training samples.</summary>
    public int BatchesPerEpoch(int samples) => (samples + BatchSize - 1) / BatchSize;
}
