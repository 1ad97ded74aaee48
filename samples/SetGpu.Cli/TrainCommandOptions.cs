using System.CommandLine;

namespace SetGpu.Cli;

/// <summary>The options of <c>train</c> that define a SET-MLP, over the shared <see cref="RunCommandOptions"/>.</summary>
internal sealed class TrainCommandOptions
{
    static readonly SetMlpSpec Defaults = new() { LayerSizes = [1, 2] };

    public readonly RunCommandOptions Run = new(Defaults, "synthetic", adamDefaults: true);
    public readonly Option<string> Hidden = new("--hidden") { Description = "Hidden layer sizes, comma-separated", DefaultValueFactory = _ => "1000,1000,1000" };
    public readonly Option<string> Activation = new("--activation") { Description = "Hidden activation: relu, leaky-relu, all-relu, sigmoid, tanh, srelu (learned per-neuron thresholds and slopes)", DefaultValueFactory = _ => "relu" };
    public readonly Option<string> Output = new("--output") { Description = "Output activation: softmax, sigmoid, linear", DefaultValueFactory = _ => "softmax" };
    public readonly Option<string> Loss = new("--loss") { Description = "Loss: ce (cross-entropy), mse, or mse-reference (the SET reference code's sigmoid-output δ)", DefaultValueFactory = _ => "ce" };
    public readonly Option<string> OptimizerKind = new("--optimizer") { Description = "sgd (momentum, decoupled decay), adam (L2 decay) or adamw (decoupled decay)", DefaultValueFactory = _ => "sgd" };
    public readonly Option<bool> Nesterov = new("--nesterov") { Description = "Nesterov momentum (sgd)" };
    public readonly Option<float> Beta1 = new("--beta1") { Description = "Adam's β1, decay of the first moment (adam, adamw)", DefaultValueFactory = _ => new Adam().Beta1 };
    public readonly Option<float> Beta2 = new("--beta2") { Description = "Adam's β2, decay of the second moment (adam, adamw)", DefaultValueFactory = _ => new Adam().Beta2 };
    public readonly Option<float> AdamEpsilon = new("--adam-epsilon") { Description = "Adam's ε, added to √v̂ (adam, adamw)", DefaultValueFactory = _ => new Adam().Epsilon };
    public readonly Option<float> Dropout = new("--dropout") { Description = "Dropout rate on hidden layers", DefaultValueFactory = _ => Defaults.Dropout };
    public readonly Option<string> Init = new("--init")
    {
        Description = "Initial weights: he-uniform, normal (N(0,1)/10, the reference's) or auto (normal for a linear output and for --loss mse, he-uniform otherwise)",
        DefaultValueFactory = _ => "auto",
    };
    public readonly Option<string> Regrow = new("--regrow")
    {
        Description = "Values of regrown connections: init (drawn like the initial weights, as SET's reference), zero (start at 0 and move by " +
                      "their gradient, as RigL) or auto (init under --loss mse with a sigmoid or softmax output, zero otherwise)",
        DefaultValueFactory = _ => "auto",
    };
    public readonly Option<bool> NoOutputEvolution = new("--no-output-evolution") { Description = "Keep the output layer's topology fixed" };
    public readonly Option<bool> RecordConnectivity = new("--record-connectivity") { Description = "Record the first layer's connections per input neuron after every epoch in the report (the data of `plot`'s connectivity movie)" };
    public readonly Option<string?> MaxMemory = new("--max-memory")
    {
        Description = "Refuse a network whose estimated peak memory passes this many bytes (K, M, G, T: powers of 1024; default: the memory available, or the GPU's)",
    };
    public readonly Option<string?> Export = new("--export") { Description = "After training, write every layer to this folder as SciPy .npz weights and .npy biases" };

    public TrainCommandOptions()
    {
        Run.Batch.Description = $"Mini-batch size; without it, {SmallDataDefaults.LargestBatch} for a training split of " +
            $"{SmallDataDefaults.LargestBatch * SmallDataDefaults.StepsPerEpoch:N0} samples or more, else ⌊samples / {SmallDataDefaults.StepsPerEpoch}⌋ " +
            $"(at least {SmallDataDefaults.SmallestBatch}), with the default --lr scaled by √(batch / {SmallDataDefaults.LargestBatch})";
        Run.Lr.Description = $"Learning rate (default: the optimiser's, 0.01 for sgd, {MseRateFactor} times that under --loss mse with a sigmoid or softmax output, " +
            "0.001 for adam and adamw; without --batch on a small training split, times √(batch / 32))";
    }

    public IEnumerable<Option> All =>
        [.. Run.All, Hidden, Activation, Output, Loss, OptimizerKind, Nesterov, Beta1, Beta2, AdamEpsilon, Dropout, Init, Regrow, NoOutputEvolution,
         RecordConnectivity, Export, MaxMemory];

    /// <summary>The options in the help's groups.</summary>
    public IReadOnlyList<OptionGroup> HelpGroups => Run.HelpGroups(
        model: [Hidden, Activation, Output, Loss, Init, Regrow, Dropout, NoOutputEvolution],
        optimizer: [OptimizerKind, Nesterov, Beta1, Beta2, AdamEpsilon],
        output: [RecordConnectivity, Export, MaxMemory]);

    /// <summary>
    /// The specification the command line describes: over the defaults for a fresh run, over the checkpoint's (only the
    /// options written) when resuming. Input and output sizes come with the data: the baseline's, or placeholders 1 and 2.
    /// </summary>
    /// <summary>The --max-memory limit in bytes, or null when not given.</summary>
    public long? MaxMemoryBytes(ParseResult r) =>
        r.GetValue(MaxMemory) is not { } text ? null
        : SetGpu.MemoryCheck.ParseBytes(text) ?? throw new ArgumentException($"--max-memory: '{text}' is not a byte count (a number, or one with K, M, G or T, e.g. 12G)");

    public SetMlpSpec Spec(ParseResult r, SetMlpSpec? resumed)
    {
        bool resuming = resumed is not null;
        var baseline = resumed ?? Defaults;
        var b = Run.Apply(r, baseline with { Optimizer = OptimizerOf(r, baseline.Optimizer) }, resuming);
        bool Given(Option option) => !resuming || RunCommandOptions.IsGiven(r, option);
        var loss = Given(Loss)
            ? r.GetValue(Loss) switch { "ce" or "cross-entropy" => LossKind.CrossEntropy, "mse" => LossKind.Mse, "mse-reference" => LossKind.MseReference, var v => throw new ArgumentException($"--loss: '{v}' is not ce, mse or mse-reference") }
            : b.Loss;
        var output = Given(Output) ? Parse.Enum<OutputActivation>(r.GetValue(Output)!, "--output") : b.OutputActivation;
        if (!resuming && loss == LossKind.Mse && output != OutputActivation.Linear && b.Optimizer is Sgd && !RunCommandOptions.IsGiven(r, Run.Lr))
            b = b with { Optimizer = b.Optimizer with { LearningRate = MseRateFactor * b.Optimizer.LearningRate } };
        return b with
        {
            LayerSizes = Given(Hidden) ? [b.LayerSizes[0], .. ParseSizes(r.GetValue(Hidden)!), b.LayerSizes[^1]] : b.LayerSizes,
            HiddenActivation = Given(Activation) ? Parse.Enum<HiddenActivation>(r.GetValue(Activation)!, "--activation") : b.HiddenActivation,
            OutputActivation = output,
            Loss = loss,
            Dropout = Given(Dropout) ? r.GetValue(Dropout) : b.Dropout,
            EvolveOutputLayer = Given(NoOutputEvolution) ? !r.GetValue(NoOutputEvolution) : b.EvolveOutputLayer,
            WeightInit = Given(Init)
                ? r.GetValue(Init) switch
                {
                    "auto" => AutoInit(output, loss), "he-uniform" => WeightInitKind.HeUniform, "normal" => WeightInitKind.ReferenceNormal,
                    var v => throw new ArgumentException($"--init: '{v}' is not auto, he-uniform or normal"),
                }
                : b.WeightInit,
            Regrowth = Given(Regrow) ? Parse.Regrowth(r.GetValue(Regrow)!, auto: AutoRegrowth(output, loss)) : b.Regrowth,
        };
    }

    /// <summary>
    /// The optimiser the command line describes over <paramref name="baseline"/>'s: of the kind --optimizer writes (a
    /// kind other than the baseline's starts from that kind's defaults), with the options of that kind that are
    /// written. An option of another kind is an error naming it.
    /// </summary>
    Optimizer OptimizerOf(ParseResult r, Optimizer baseline)
    {
        bool Written(Option option) => RunCommandOptions.IsGiven(r, option);
        string kind = Written(OptimizerKind) ? r.GetValue(OptimizerKind)! : Parse.OptimizerName(baseline);
        var optimizer = kind == Parse.OptimizerName(baseline) ? baseline : Parse.Optimizer(kind);
        if (optimizer is AdaptiveMoments adam)
        {
            if (Written(Nesterov)) throw new ArgumentException($"--nesterov: {kind} has no momentum to look ahead with; it is SGD's");
            return adam with
            {
                Beta1 = Written(Beta1) ? r.GetValue(Beta1) : adam.Beta1,
                Beta2 = Written(Beta2) ? r.GetValue(Beta2) : adam.Beta2,
                Epsilon = Written(AdamEpsilon) ? r.GetValue(AdamEpsilon) : adam.Epsilon,
            };
        }
        foreach (var option in new Option[] { Beta1, Beta2, AdamEpsilon })
            if (Written(option)) throw new ArgumentException($"{option.Name}: sgd has no moment estimates; give --optimizer adam or adamw");
        var sgd = (Sgd)optimizer;
        return Written(Nesterov) ? sgd with { Nesterov = r.GetValue(Nesterov) } : sgd;
    }

    /// <summary>
    /// SGD's default rate is multiplied by this under plain MSE with a sigmoid or softmax output. Its δ carries the
    /// output's derivative (at most ¼ for a sigmoid) and, over one-hot targets of many classes, shrinks as every output is
    /// pushed to 0: at the cross-entropy rate ORL (40 classes) and Isolet (26) stay near chance; at three times it they
    /// learn (docs/results.md, "Defaults"). A linear output's δ = y − t has no such factor and keeps the base rate: at
    /// three times it PCMAC and RELATHE diverge.
    /// </summary>
    internal const float MseRateFactor = 3;

    /// <summary>
    /// The initialiser <c>--init auto</c> picks. He-uniform keeps every hidden activation near unit scale, so an SGD step
    /// moves an output by about η·δ·(its fan-in), hundreds of times δ behind a wide layer at η = 0.01. Most outputs
    /// learn fastest from there (docs/results.md, "Defaults"); plain MSE does not: a linear output, whose δ = y − t is
    /// not bounded, diverges, and a sigmoid or softmax saturates, where δ carries the output's derivative and vanishes.
    /// For those the reference's N(0,1)/10, which shrinks the activations layer by layer, keeps the steps small.
    /// </summary>
    internal static WeightInitKind AutoInit(OutputActivation output, LossKind loss) =>
        output == OutputActivation.Linear || loss == LossKind.Mse ? WeightInitKind.ReferenceNormal : WeightInitKind.HeUniform;

    /// <summary>
    /// The regrowth <c>--regrow auto</c> picks. Zero (<see cref="RegrowthValues.Zero"/>) leaves the trained function as
    /// it is at each evolution step: a linear output diverges without it, and cross-entropy and mse-reference learn more
    /// from it on the small sets (over seeds 1–3, ORL 73–77% → 90–93%, Yale 52–53% → 73–80%, Isolet 79–82% → 91%). Plain
    /// MSE on a sigmoid or softmax output starts from N(0,1)/10 and needs the scale that drawn regrowth adds: from zero
    /// it learns less (COIL20 88% → 58%, ORL 23% → 8%), so it keeps the initialiser's draws (docs/results.md, "Defaults").
    /// </summary>
    internal static RegrowthValues AutoRegrowth(OutputActivation output, LossKind loss) =>
        loss == LossKind.Mse && output != OutputActivation.Linear ? RegrowthValues.Initializer : RegrowthValues.Zero;

    static int[] ParseSizes(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        return text.Split(',').Select(part =>
            int.TryParse(part.Trim(), out int n) && n > 0 ? n
                : throw new ArgumentException($"--hidden: '{part.Trim()}' is not a positive layer size (in '{text}')")).ToArray();
    }
}
