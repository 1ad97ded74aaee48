using System.CommandLine;
using SetGpu.Cpu;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>The options of <c>train</c> and how they make a model and training configuration.</summary>
internal sealed class TrainOptions
{
    public readonly Option<string> Dataset = new("--dataset") { Description = "Catalog name (synthetic, coil20, mnist, fashion-mnist, madelon, lung-synthetic, isolet, …) or a .mat file", DefaultValueFactory = _ => "synthetic" };
    public readonly Option<string?> DataDir = new("--data-dir") { Description = "Folder laid out like shared/data, searched first" };
    public readonly Option<string> Hidden = new("--hidden") { Description = "Hidden layer sizes, comma-separated", DefaultValueFactory = _ => "1000,1000,1000" };
    public readonly Option<string> Activation = new("--activation") { Description = "Hidden activation: relu, leaky-relu, all-relu, sigmoid, tanh", DefaultValueFactory = _ => "relu" };
    public readonly Option<string> Output = new("--output") { Description = "Output activation: softmax, sigmoid, linear", DefaultValueFactory = _ => "softmax" };
    public readonly Option<string> Loss = new("--loss") { Description = "Loss: ce (cross-entropy), mse, or mse-reference (the SET reference code's sigmoid-output δ)", DefaultValueFactory = _ => "ce" };
    public readonly Option<double> Epsilon = new("--epsilon") { Description = "ε: connections per layer = ε·(n_in + n_out)", DefaultValueFactory = _ => 20 };
    public readonly Option<double> Zeta = new("--zeta") { Description = "ζ: fraction of weights of each sign rewired per evolution", DefaultValueFactory = _ => 0.3 };
    public readonly Option<string> Topology = new("--topology") { Description = "set (evolving), static (static sparse) or dense", DefaultValueFactory = _ => "set" };
    public readonly Option<int> Epochs = new("--epochs") { Description = "Epochs", DefaultValueFactory = _ => 10 };
    public readonly Option<int> Batch = new("--batch") { Description = "Mini-batch size", DefaultValueFactory = _ => 32 };
    public readonly Option<float> Lr = new("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 0.01f };
    public readonly Option<string> Schedule = new("--lr-schedule") { Description = "constant or cosine (annealed towards 0 over the epochs)", DefaultValueFactory = _ => "constant" };
    public readonly Option<float> Momentum = new("--momentum") { Description = "Momentum", DefaultValueFactory = _ => 0.9f };
    public readonly Option<bool> Nesterov = new("--nesterov") { Description = "Nesterov momentum" };
    public readonly Option<float> WeightDecay = new("--weight-decay") { Description = "Decoupled weight decay per step", DefaultValueFactory = _ => 0.0002f };
    public readonly Option<float> Dropout = new("--dropout") { Description = "Dropout rate on hidden layers", DefaultValueFactory = _ => 0f };
    public readonly Option<string> Init = new("--init") { Description = "Initial weights: he-uniform or normal (N(0,1)/10, the reference's)", DefaultValueFactory = _ => "he-uniform" };
    public readonly Option<bool> NoOutputEvolution = new("--no-output-evolution") { Description = "Keep the output layer's topology fixed" };
    public readonly Option<ulong> Seed = new("--seed") { Description = "Seed of split, topology, initial values, order and dropout", DefaultValueFactory = _ => 42UL };
    public readonly Option<string> Engine = new("--engine") { Description = $"Engine: {string.Join(", ", SetEngines.Names)}", DefaultValueFactory = _ => "auto" };
    public readonly Option<string> Standardize = new("--standardize") { Description = "Standardise with training-split statistics: auto (global for images, per-feature otherwise), per-feature, global or none", DefaultValueFactory = _ => "auto" };
    public readonly Option<string?> Report = new("--report") { Description = "Write the configuration, device and per-epoch records to this JSON file" };
    public readonly Option<bool> RecordConnectivity = new("--record-connectivity") { Description = "Record the first layer's connections per input neuron after every epoch in the report (the data of `plot`'s connectivity movie)" };
    public readonly Option<string?> Checkpoint = new("--checkpoint") { Description = "Save the whole training state to this file (atomically) every --checkpoint-every epochs and at the end" };
    public readonly Option<int> CheckpointEvery = new("--checkpoint-every") { Description = "Epochs between checkpoints (0: only at the end)", DefaultValueFactory = _ => 1 };
    public readonly Option<string?> Resume = new("--resume") { Description = "Continue the run of this checkpoint with its configuration (options given must agree with it); saves to the same file unless --checkpoint says otherwise" };
    public readonly Option<int?> StopAfter = new("--stop-after") { Description = "Train at most this many epochs in this invocation, then save the checkpoint and stop (continue later with --resume)" };
    public readonly Option<string?> Export = new("--export") { Description = "After training, write every layer to this folder as SciPy .npz weights and .npy biases" };

    public IEnumerable<Option> All =>
    [
        Dataset, DataDir, Hidden, Activation, Output, Loss, Epsilon, Zeta, Topology, Epochs, Batch, Lr, Schedule, Momentum,
        Nesterov, WeightDecay, Dropout, Init, NoOutputEvolution, Seed, Engine, Standardize, Report, RecordConnectivity,
        Checkpoint, CheckpointEvery, Resume, StopAfter, Export,
    ];

    /// <summary>Whether the option was written on the command line (not its default).</summary>
    public bool IsGiven(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };

    /// <summary>
    /// The model the command line describes. With a <paramref name="baseline"/> (a checkpoint's), options not given keep
    /// the baseline's values; without, they take their defaults. Input and output sizes come with the data: the baseline's,
    /// or placeholders 1 and 2.
    /// </summary>
    public SetMlpOptions Model(ParseResult r, SetMlpOptions? baseline)
    {
        var b = baseline ?? new SetMlpOptions { LayerSizes = [1, 2] };
        return b with
        {
            LayerSizes = Given(r, Hidden, baseline) ? [b.LayerSizes[0], .. ParseSizes(r.GetValue(Hidden)!), b.LayerSizes[^1]] : b.LayerSizes,
            HiddenActivation = Given(r, Activation, baseline) ? ParseEnum<HiddenActivation>(r.GetValue(Activation)!, "--activation") : b.HiddenActivation,
            OutputActivation = Given(r, Output, baseline) ? ParseEnum<OutputActivation>(r.GetValue(Output)!, "--output") : b.OutputActivation,
            Loss = Given(r, Loss, baseline)
                ? r.GetValue(Loss) switch { "ce" or "cross-entropy" => LossKind.CrossEntropy, "mse" => LossKind.Mse, "mse-reference" => LossKind.MseReference, var v => throw new ArgumentException($"--loss: '{v}' is not ce, mse or mse-reference") }
                : b.Loss,
            Epsilon = Given(r, Epsilon, baseline) ? r.GetValue(Epsilon) : b.Epsilon,
            Zeta = Given(r, Zeta, baseline) ? r.GetValue(Zeta) : b.Zeta,
            Topology = Given(r, Topology, baseline)
                ? r.GetValue(Topology) switch { "set" => TopologyKind.Set, "static" => TopologyKind.StaticSparse, "dense" => TopologyKind.Dense, var v => throw new ArgumentException($"--topology: '{v}' is not set, static or dense") }
                : b.Topology,
            EvolveOutputLayer = Given(r, NoOutputEvolution, baseline) ? !r.GetValue(NoOutputEvolution) : b.EvolveOutputLayer,
            WeightInit = Given(r, Init, baseline)
                ? r.GetValue(Init) switch { "he-uniform" => WeightInitKind.HeUniform, "normal" => WeightInitKind.ReferenceNormal, var v => throw new ArgumentException($"--init: '{v}' is not he-uniform or normal") }
                : b.WeightInit,
        };
    }

    /// <summary>The training configuration the command line describes, over <paramref name="baseline"/> as for <see cref="Model"/>.</summary>
    public TrainingOptions Training(ParseResult r, TrainingOptions? baseline)
    {
        var b = baseline ?? new TrainingOptions();
        return b with
        {
            Epochs = Given(r, Epochs, baseline) ? r.GetValue(Epochs) : b.Epochs,
            BatchSize = Given(r, Batch, baseline) ? r.GetValue(Batch) : b.BatchSize,
            LearningRate = Given(r, Lr, baseline) ? r.GetValue(Lr) : b.LearningRate,
            Schedule = Given(r, Schedule, baseline)
                ? r.GetValue(Schedule) switch { "constant" => LearningRateSchedule.Constant, "cosine" => LearningRateSchedule.Cosine, var v => throw new ArgumentException($"--lr-schedule: '{v}' is not constant or cosine") }
                : b.Schedule,
            Momentum = Given(r, Momentum, baseline) ? r.GetValue(Momentum) : b.Momentum,
            Nesterov = Given(r, Nesterov, baseline) ? r.GetValue(Nesterov) : b.Nesterov,
            WeightDecay = Given(r, WeightDecay, baseline) ? r.GetValue(WeightDecay) : b.WeightDecay,
            Dropout = Given(r, Dropout, baseline) ? r.GetValue(Dropout) : b.Dropout,
            Seed = Given(r, Seed, baseline) ? r.GetValue(Seed) : b.Seed,
            RecordInputConnectivity = Given(r, RecordConnectivity, baseline) ? r.GetValue(RecordConnectivity) : b.RecordInputConnectivity,
        };
    }

    /// <summary>Without a baseline every option counts (its default included); with one, only those written.</summary>
    bool Given(ParseResult r, Option option, object? baseline) => baseline is null || IsGiven(r, option);

    static int[] ParseSizes(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        return text.Split(',').Select(part =>
            int.TryParse(part.Trim(), out int n) && n > 0 ? n
                : throw new ArgumentException($"--hidden: '{part.Trim()}' is not a positive layer size (in '{text}')")).ToArray();
    }

    static T ParseEnum<T>(string text, string option) where T : struct, Enum
    {
        string normalised = text.Replace("-", "").Replace("_", "");
        return Enum.TryParse<T>(normalised, ignoreCase: true, out var value)
            ? value
            : throw new ArgumentException($"{option}: '{text}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
    }
}
