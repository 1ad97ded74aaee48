using System.CommandLine;
using System.Diagnostics;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary><c>train</c>: a SET-MLP on a dataset, with a per-epoch table and an optional JSON report.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Catalog name (synthetic, coil20, mnist, fashion-mnist, madelon, lung-synthetic, isolet, …) or a .mat file", DefaultValueFactory = _ => "synthetic" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder laid out like shared/data, searched first" };
        var hidden = new Option<string>("--hidden") { Description = "Hidden layer sizes, comma-separated", DefaultValueFactory = _ => "1000,1000,1000" };
        var activation = new Option<string>("--activation") { Description = "Hidden activation: relu, leaky-relu, all-relu, sigmoid, tanh", DefaultValueFactory = _ => "relu" };
        var output = new Option<string>("--output") { Description = "Output activation: softmax, sigmoid, linear", DefaultValueFactory = _ => "softmax" };
        var loss = new Option<string>("--loss") { Description = "Loss: ce (cross-entropy) or mse", DefaultValueFactory = _ => "ce" };
        var epsilon = new Option<double>("--epsilon") { Description = "ε: connections per layer = ε·(n_in + n_out)", DefaultValueFactory = _ => 20 };
        var zeta = new Option<double>("--zeta") { Description = "ζ: fraction of weights of each sign rewired per evolution", DefaultValueFactory = _ => 0.3 };
        var topology = new Option<string>("--topology") { Description = "set (evolving), static (static sparse) or dense", DefaultValueFactory = _ => "set" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch") { Description = "Mini-batch size", DefaultValueFactory = _ => 32 };
        var lr = new Option<float>("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 0.01f };
        var schedule = new Option<string>("--lr-schedule") { Description = "constant or cosine (annealed towards 0 over the epochs)", DefaultValueFactory = _ => "constant" };
        var momentum = new Option<float>("--momentum") { Description = "Momentum", DefaultValueFactory = _ => 0.9f };
        var nesterov = new Option<bool>("--nesterov") { Description = "Nesterov momentum" };
        var weightDecay = new Option<float>("--weight-decay") { Description = "Decoupled weight decay per step", DefaultValueFactory = _ => 0.0002f };
        var dropout = new Option<float>("--dropout") { Description = "Dropout rate on hidden layers", DefaultValueFactory = _ => 0f };
        var init = new Option<string>("--init") { Description = "Initial weights: he-uniform or normal (N(0,1)/10, the reference's)", DefaultValueFactory = _ => "he-uniform" };
        var noOutputEvolution = new Option<bool>("--no-output-evolution") { Description = "Keep the output layer's topology fixed" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of split, topology, initial values, order and dropout", DefaultValueFactory = _ => 42UL };
        var engine = new Option<string>("--engine") { Description = $"Engine: {string.Join(", ", EngineFactory.Names)}", DefaultValueFactory = _ => "auto" };
        var standardize = new Option<string>("--standardize") { Description = "Standardise with training-split statistics: auto (global for images, per-feature otherwise), per-feature, global or none", DefaultValueFactory = _ => "auto" };
        var report = new Option<string?>("--report") { Description = "Write the configuration, device and per-epoch records to this JSON file" };

        var command = new Command("train", "Train a SET multilayer perceptron")
        {
            dataset, dataDir, hidden, activation, output, loss, epsilon, zeta, topology, epochs, batch, lr, schedule, momentum,
            nesterov, weightDecay, dropout, init, noOutputEvolution, seed, engine, standardize, report,
        };
        command.SetAction(result =>
        {
            try
            {
                var model = new SetMlpOptions
                {
                    LayerSizes = [1, .. ParseSizes(result.GetValue(hidden)!), 2], // input and output sizes come with the data
                    HiddenActivation = ParseEnum<HiddenActivation>(result.GetValue(activation)!, "--activation"),
                    OutputActivation = ParseEnum<OutputActivation>(result.GetValue(output)!, "--output"),
                    Loss = result.GetValue(loss) switch { "ce" or "cross-entropy" => LossKind.CrossEntropy, "mse" => LossKind.Mse, var v => throw new ArgumentException($"--loss: '{v}' is not ce or mse") },
                    Epsilon = result.GetValue(epsilon),
                    Zeta = result.GetValue(zeta),
                    Topology = result.GetValue(topology) switch { "set" => TopologyKind.Set, "static" => TopologyKind.StaticSparse, "dense" => TopologyKind.Dense, var v => throw new ArgumentException($"--topology: '{v}' is not set, static or dense") },
                    EvolveOutputLayer = !result.GetValue(noOutputEvolution),
                    WeightInit = result.GetValue(init) switch { "he-uniform" => WeightInitKind.HeUniform, "normal" => WeightInitKind.ReferenceNormal, var v => throw new ArgumentException($"--init: '{v}' is not he-uniform or normal") },
                };
                var training = new TrainingOptions
                {
                    Epochs = result.GetValue(epochs),
                    BatchSize = result.GetValue(batch),
                    LearningRate = result.GetValue(lr),
                    Schedule = result.GetValue(schedule) switch { "constant" => LearningRateSchedule.Constant, "cosine" => LearningRateSchedule.Cosine, var v => throw new ArgumentException($"--lr-schedule: '{v}' is not constant or cosine") },
                    Momentum = result.GetValue(momentum),
                    Nesterov = result.GetValue(nesterov),
                    WeightDecay = result.GetValue(weightDecay),
                    Dropout = result.GetValue(dropout),
                    Seed = result.GetValue(seed),
                };
                // Refuse bad options before any work: the data can take seconds to load.
                model.Validate();
                training.Validate(int.MaxValue);
                var data = DataLoading.Load(result.GetValue(dataset)!, result.GetValue(dataDir), result.GetValue(seed), result.GetValue(standardize)!);
                model = model with { LayerSizes = [data.Train.FeatureCount, .. model.LayerSizes[1..^1], data.Train.Classes] };
                return Run(data, model, training, result.GetValue(engine)!, result.GetValue(report));
            }
            catch (Exception e) when (e is ArgumentException or DataFormatException or FileNotFoundException
                                          or DirectoryNotFoundException or InvalidDataException or TrainingDivergedException
                                          or SetGpu.Gpu.DeviceUnavailableException or SetGpu.Gpu.InsufficientDeviceMemoryException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    static int Run(DatasetSplit data, SetMlpOptions model, TrainingOptions training, string engineName, string? reportPath)
    {
        model.Validate();
        training.Validate(data.Train.Samples);
        Console.WriteLine($"data: {data.Train.Name}: {data.Train.Samples} train / {data.Test.Samples} test samples, {data.Train.FeatureCount} features, {data.Train.Classes} classes");

        var clock = Stopwatch.StartNew();
        var network = SparseNetwork.Create(model, training.Seed);
        double creationSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(network.Summary());
        Console.WriteLine($"created in {creationSeconds:F2} s");

        using var engine = EngineFactory.Create(engineName, network, training);
        Console.WriteLine($"engine: {engine.Name} on {engine.Device}");
        var report = new TrainingReport
        {
            Engine = engine.Name,
            Device = engine.Device,
            Dataset = data.Train.Name,
            TrainSamples = data.Train.Samples,
            TestSamples = data.Test.Samples,
            Model = model,
            Training = training,
            InitialConnections = network.Connections,
            CreationSeconds = creationSeconds,
        };
        ConsoleProgress.PrintHeader();
        var observer = new ConsoleProgress(training.Epochs);
        SetTrainer.Train(engine, data, training, report, reportPath is null ? observer : new SavingObserver(observer, report, reportPath));

        var last = report.Epochs[^1];
        var best = report.Epochs.MaxBy(e => e.TestAccuracy)!;
        Console.WriteLine($"final test accuracy {last.TestAccuracy:P2} (best {best.TestAccuracy:P2} at epoch {best.Epoch + 1}); " +
                          $"mean {report.Epochs.Average(e => e.TrainSeconds):F3} s training + {report.Epochs.Average(e => e.EvolutionSeconds):F3} s evolution per epoch");
        if (reportPath is not null) Console.WriteLine($"report: {Path.GetFullPath(reportPath)}");
        return 0;
    }

    /// <summary>Rewrites the report after every epoch, so a long run's records survive an interruption.</summary>
    sealed class SavingObserver(ITrainingObserver inner, TrainingReport report, string path) : ITrainingObserver
    {
        public void OnBatch(int epoch, int done, int total) => inner.OnBatch(epoch, done, total);
        public void OnEpoch(EpochRecord record)
        {
            inner.OnEpoch(record);
            report.Save(path);
        }
    }

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
