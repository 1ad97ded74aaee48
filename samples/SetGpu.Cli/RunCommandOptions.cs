using System.CommandLine;

namespace SetGpu.Cli;

/// <summary>
/// The options every model's command shares: data, SET, optimiser, schedule, seed, device and what the run writes.
/// Their defaults are the model's specification defaults, so each command states them once.
/// </summary>
internal sealed class RunCommandOptions
{
    /// <param name="defaults">The model's specification defaults.</param>
    /// <param name="defaultDataset">The dataset when none is given.</param>
    /// <param name="adamDefaults">Whether the command also trains with Adam, whose defaults the help then gives too.</param>
    public RunCommandOptions(SetSpec defaults, string defaultDataset, bool adamDefaults = false)
    {
        var sgd = (Sgd)defaults.Optimizer;
        string lrDefaults = adamDefaults ? $"{sgd.LearningRate} for sgd, {new Adam().LearningRate} for adam and adamw" : $"{sgd.LearningRate}";
        string decayDefaults = adamDefaults
            ? $"{sgd.WeightDecay} for sgd, {new Adam().WeightDecay} for adam, {new AdamW().WeightDecay} for adamw"
            : $"{sgd.WeightDecay}";
        Dataset = new("--dataset") { Description = "Catalog name (synthetic, coil20, mnist, fashion-mnist, madelon, lung-reference-style, isolet, …) or a file: .mat, .csv/.tsv, .npz, X.npy (with y.npy beside it) or 'features.npy,labels.npy'", DefaultValueFactory = _ => defaultDataset };
        Epsilon = new("--epsilon") { Description = "ε: connections per layer = ε·(n_in + n_out)", DefaultValueFactory = _ => defaults.Epsilon };
        Zeta = new("--zeta") { Description = "ζ: fraction of weights of each sign rewired per evolution", DefaultValueFactory = _ => defaults.Zeta };
        Epochs = new("--epochs") { Description = "Epochs", DefaultValueFactory = _ => defaults.Epochs };
        Batch = new("--batch") { Description = "Mini-batch size", DefaultValueFactory = _ => defaults.BatchSize };
        // No default values of their own: not written, they are the optimiser's (its specification's defaults).
        Lr = new("--lr") { Description = $"Learning rate (default {lrDefaults})" };
        Momentum = new("--momentum") { Description = "SGD's momentum", DefaultValueFactory = _ => sgd.Momentum };
        WeightDecay = new("--weight-decay")
        {
            Description = $"Weight decay, biases too (default {decayDefaults}): SGD's decoupled per step" +
                          (adamDefaults ? ", Adam's L2 added to the gradient, AdamW's decoupled −η·λ·w" : ""),
        };
    }

    public readonly Option<string> Dataset;
    public readonly Option<string?> DataDir = new("--data-dir") { Description = "Folder laid out like shared/data, searched first" };
    public readonly Option<string> Standardize = new("--standardize") { Description = "Standardise with training-split statistics: auto, per-feature, global, shared-scale or none", DefaultValueFactory = _ => "auto" };
    public readonly Option<double> Validation = new("--validation") { Description = "Fraction of the training split held out for validation (stratified): the best epoch and early stopping choose on it", DefaultValueFactory = _ => 0 };
    /// <summary>How a user's files are read, and --test.</summary>
    public readonly DataFileCliOptions Files = new();
    public readonly Option<double> Epsilon;
    public readonly Option<double> Zeta;
    public readonly Option<string> Topology = new("--topology") { Description = "set (evolving), static (static sparse) or dense", DefaultValueFactory = _ => "set" };
    public readonly Option<int> EvolutionInterval = new("--evolution-interval") { Description = "Evolve after every this many epochs", DefaultValueFactory = _ => 1 };
    public readonly Option<bool> PruneLastEpoch = new("--prune-last-epoch") { Description = "After the last epoch prune without regrowing (as the SET-RBM reference code)" };
    public readonly Option<int> Epochs;
    public readonly Option<int> Batch;
    public readonly Option<float> Lr;
    public readonly Option<string> Schedule = new("--lr-schedule") { Description = "constant or cosine (annealed towards 0 over the epochs; ζ and the decay follow it)", DefaultValueFactory = _ => "constant" };
    public readonly Option<float> Momentum;
    public readonly Option<float> WeightDecay;
    public readonly Option<int> Patience = new("--patience") { Description = "Stop once the validation loss has not improved for this many epochs (0: never; needs --validation)", DefaultValueFactory = _ => 0 };
    public readonly Option<ulong> Seed = new("--seed") { Description = "Seed of split, topology, initial values, order, dropout and sampled states", DefaultValueFactory = _ => 42UL };
    public readonly Option<string> Engine = new("--engine", "--device") { Description = $"Device: {Device.Forms}", DefaultValueFactory = _ => "auto" };
    public readonly Option<string?> Report = new("--report") { Description = "Write the specification, device and per-epoch records to this JSON file (rewritten after every epoch)" };
    public readonly Option<string?> Checkpoint = new("--checkpoint") { Description = "Save the whole training state to this file (atomically) every --checkpoint-every epochs, at the end and on Ctrl+C" };
    public readonly Option<int> CheckpointEvery = new("--checkpoint-every") { Description = "Epochs between checkpoints (0: only at the end)", DefaultValueFactory = _ => 1 };
    public readonly Option<string?> Resume = new("--resume") { Description = "Continue the run of this checkpoint with its specification (options given must agree with it); saves to the same file unless --checkpoint says otherwise" };
    public readonly Option<int?> StopAfter = new("--stop-after") { Description = "Train at most this many epochs in this invocation, then save the checkpoint and stop (continue later with --resume)" };

    public readonly Option<string?> Distributed = new("--distributed") { Description = "Train as one rank of an MPI job (mpiexec -n N setgpu ...): sync (every step averaged; equals one process with N x the batch) or local-sgd (own shard, averaged every --average-every steps and each epoch)" };
    public readonly Option<int> AverageEvery = new("--average-every") { Description = "local-sgd: steps between averagings (0: once per epoch)", DefaultValueFactory = _ => 0 };
    public readonly Option<double> CollectiveTimeout = new("--collective-timeout") { Description = "Seconds a rank waits inside one collective before it ends the job (a rank died or hangs)", DefaultValueFactory = _ => 300 };

    public IEnumerable<Option> All =>
    [
        Dataset, DataDir, .. Files.All, Standardize, Validation, Epsilon, Zeta, Topology, EvolutionInterval, PruneLastEpoch, Epochs, Batch, Lr,
        Schedule, Momentum, WeightDecay, Patience, Seed, Engine, Report, Checkpoint, CheckpointEvery, Resume, StopAfter,
        Distributed, AverageEvery, CollectiveTimeout,
    ];

    /// <summary>
    /// The help's groups (<see cref="GroupedHelp"/>): the shared options with the model's own where they belong.
    /// </summary>
    /// <param name="model">The model's options, before the sparse topology's.</param>
    /// <param name="optimizer">The optimiser's options beyond the learning rate, momentum and decay.</param>
    /// <param name="output">What else the run writes or measures.</param>
    public IReadOnlyList<OptionGroup> HelpGroups(IEnumerable<Option> model, IEnumerable<Option> optimizer, IEnumerable<Option> output) =>
    [
        new("Model options", [.. model, Epsilon, Zeta, Topology, EvolutionInterval, PruneLastEpoch]),
        new("Training options", [Epochs, Batch, .. optimizer, Lr, Schedule, Momentum, WeightDecay, Patience, Seed, Engine]),
        new("Data options", [Dataset, DataDir, .. Files.All, Standardize, Validation]),
        new("Output options", [Report, .. output]),
        new("Checkpoint options", [Checkpoint, CheckpointEvery, Resume, StopAfter]),
        new("Distributed options", [Distributed, AverageEvery, CollectiveTimeout]),
    ];

    /// <summary>Whether the option was written on the command line (not its default).</summary>
    public static bool IsGiven(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

    /// <summary>
    /// <paramref name="baseline"/> with the shared options the command line sets: without <paramref name="resuming"/> every
    /// option (defaults included), when resuming only those written. The optimiser's options count only when written,
    /// over the baseline's optimiser (whose values are the specification's defaults for a fresh run).
    /// </summary>
    public T Apply<T>(ParseResult r, T baseline, bool resuming) where T : SetSpec
    {
        bool Given(Option option) => !resuming || IsGiven(r, option);
        SetSpec spec = baseline;
        return (T)(spec with
        {
            Epsilon = Given(Epsilon) ? r.GetValue(Epsilon) : baseline.Epsilon,
            Zeta = Given(Zeta) ? r.GetValue(Zeta) : baseline.Zeta,
            Topology = Given(Topology) ? Parse.Topology(r.GetValue(Topology)!) : baseline.Topology,
            EvolutionInterval = Given(EvolutionInterval) ? r.GetValue(EvolutionInterval) : baseline.EvolutionInterval,
            PruneAfterLastEpoch = Given(PruneLastEpoch) ? r.GetValue(PruneLastEpoch) : baseline.PruneAfterLastEpoch,
            Epochs = Given(Epochs) ? r.GetValue(Epochs) : baseline.Epochs,
            BatchSize = Given(Batch) ? r.GetValue(Batch) : baseline.BatchSize,
            Schedule = Given(Schedule) ? Parse.Schedule(r.GetValue(Schedule)!) : baseline.Schedule,
            Patience = Given(Patience) ? r.GetValue(Patience) : baseline.Patience,
            Seed = Given(Seed) ? r.GetValue(Seed) : baseline.Seed,
            Optimizer = WithOptimizerOptions(r, baseline.Optimizer),
        });
    }

    /// <summary><paramref name="optimizer"/> with the learning rate, decay and momentum written on the command line.</summary>
    Optimizer WithOptimizerOptions(ParseResult r, Optimizer optimizer)
    {
        var result = optimizer with
        {
            LearningRate = IsGiven(r, Lr) ? r.GetValue(Lr) : optimizer.LearningRate,
            WeightDecay = IsGiven(r, WeightDecay) ? r.GetValue(WeightDecay) : optimizer.WeightDecay,
        };
        if (!IsGiven(r, Momentum)) return result;
        return result is Sgd sgd
            ? sgd with { Momentum = r.GetValue(Momentum) }
            : throw new ArgumentException($"--momentum: {Parse.OptimizerName(result)} has no momentum; it is SGD's (Adam's moments decay with --beta1 and --beta2)");
    }

    /// <summary>Where the run writes: report, checkpoint (with its interval) and how many epochs this invocation trains.</summary>
    public RunOutputs Outputs(ParseResult r, string? resumedFrom)
    {
        int every = r.GetValue(CheckpointEvery);
        string? checkpoint = r.GetValue(Checkpoint) ?? resumedFrom;
        if (every < 0) throw new ArgumentException($"--checkpoint-every: {every}; give a number of epochs, or 0 to save only at the end");
        if (IsGiven(r, CheckpointEvery) && checkpoint is null) throw new ArgumentException("--checkpoint-every needs --checkpoint FILE");
        int? stop = r.GetValue(StopAfter);
        if (stop is < 1) throw new ArgumentException($"--stop-after: {stop}; give at least 1 epoch");
        if (stop is not null && checkpoint is null) throw new ArgumentException("--stop-after needs --checkpoint FILE: the run continues from it");
        double validation = r.GetValue(Validation);
        if (!(validation >= 0 && validation < 1)) throw new ArgumentException($"--validation: {validation}; give a fraction in [0, 1)");
        return new RunOutputs(Device.Parse(r.GetValue(Engine)!), r.GetValue(Report), checkpoint, every, stop);
    }
}

/// <summary>Where a run's results go and how far this invocation trains.</summary>
internal sealed record RunOutputs(Device Device, string? Report, string? Checkpoint, int CheckpointEvery, int? StopAfter);

/// <summary>Parses the option values that name a kind.</summary>
internal static class Parse
{
    public static TopologyKind Topology(string text) => text switch
    {
        "set" => TopologyKind.Set, "static" => TopologyKind.StaticSparse, "dense" => TopologyKind.Dense,
        _ => throw new ArgumentException($"--topology: '{text}' is not set, static or dense"),
    };

    public static LearningRateSchedule Schedule(string text) => text switch
    {
        "constant" => LearningRateSchedule.Constant, "cosine" => LearningRateSchedule.Cosine,
        _ => throw new ArgumentException($"--lr-schedule: '{text}' is not constant or cosine"),
    };

    /// <summary>The name --optimizer gives an optimiser (its JSON kind).</summary>
    public static string OptimizerName(Optimizer optimizer) => optimizer switch
    {
        AdamW => "adamw", Adam => "adam", _ => "sgd",
    };

    /// <summary>A new optimiser of the kind --optimizer names, with its defaults.</summary>
    public static Optimizer Optimizer(string text) => text switch
    {
        "sgd" => new Sgd(), "adam" => new Adam(), "adamw" => new AdamW(),
        _ => throw new ArgumentException($"--optimizer: '{text}' is not sgd, adam or adamw"),
    };

    /// <summary>The regrowth --regrow names; "auto" only where the command has one (<paramref name="auto"/>).</summary>
    public static RegrowthValues Regrowth(string text, RegrowthValues? auto = null) => text switch
    {
        "init" => RegrowthValues.Initializer, "zero" => RegrowthValues.Zero,
        "auto" when auto is { } picked => picked,
        _ => throw new ArgumentException($"--regrow: '{text}' is not {(auto is null ? "init or zero" : "auto, init or zero")}"),
    };

    public static T Enum<T>(string text, string option) where T : struct, System.Enum
    {
        string normalised = text.Replace("-", "").Replace("_", "");
        return System.Enum.TryParse<T>(normalised, ignoreCase: true, out var value) && System.Enum.IsDefined(value)
            ? value
            : throw new ArgumentException($"{option}: '{text}' is not one of {string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
    }
}
