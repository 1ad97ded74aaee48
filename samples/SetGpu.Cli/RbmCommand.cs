using System.CommandLine;
using SetGpu.Cpu.Rbm;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Rbm;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary><c>rbm</c>: a SET restricted Boltzmann machine trained with contrastive divergence, a table per epoch, an optional JSON report.</summary>
internal static class RbmCommand
{
    /// <summary>Engines that can train an RBM today.</summary>
    public static readonly string[] Engines = ["cpu", "ilgpu-cpu", "opencl", "cuda"];

    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Catalog name (coil20, mnist, fashion-mnist, …) or a .mat file; Bernoulli units need values in [0, 1]", DefaultValueFactory = _ => "coil20" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder laid out like shared/data, searched first" };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units", DefaultValueFactory = _ => 200 };
        var epsilon = new Option<double>("--epsilon") { Description = "ε: connections = ε·(visible + hidden)", DefaultValueFactory = _ => 10 };
        var zeta = new Option<double>("--zeta") { Description = "ζ: fraction of weights of each sign rewired per evolution", DefaultValueFactory = _ => 0.3 };
        var topology = new Option<string>("--topology") { Description = "set (evolving), static (static sparse) or dense", DefaultValueFactory = _ => "set" };
        var pruneLast = new Option<bool>("--prune-last-epoch") { Description = "After the last epoch prune without regrowing, as the reference code does" };
        var cd = new Option<int>("--cd") { Description = "k of CD-k: Gibbs steps of the negative phase", DefaultValueFactory = _ => 1 };
        var persistent = new Option<bool>("--persistent") { Description = "Persistent CD: fantasy particles carried from batch to batch" };
        var gaussian = new Option<bool>("--gaussian-visible") { Description = "Gaussian visible units (unit variance, linear mean) for real-valued data; standardise it" };
        var sampleVisible = new Option<bool>("--sample-visible") { Description = "Sample the visible units in the negative phase instead of using their means" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch") { Description = "Mini-batch size", DefaultValueFactory = _ => 10 };
        var lr = new Option<float>("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 0.1f };
        var momentum = new Option<float>("--momentum") { Description = "Momentum", DefaultValueFactory = _ => 0f };
        var weightDecay = new Option<float>("--weight-decay") { Description = "Weight decay per step (biases too)", DefaultValueFactory = _ => 2e-7f };
        var initScale = new Option<float>("--init-scale") { Description = "New weights are N(0,1)·scale (the reference: 0.05)", DefaultValueFactory = _ => 0.05f };
        var ais = new Option<bool>("--ais") { Description = "Estimate the test log-likelihood by annealed importance sampling after the last epoch (exact log Z too with ≤ 20 hidden units)" };
        var aisEvery = new Option<int>("--ais-every") { Description = "Also estimate it every N epochs (implies --ais)", DefaultValueFactory = _ => 0 };
        var aisRuns = new Option<int>("--ais-runs") { Description = "AIS runs", DefaultValueFactory = _ => 100 };
        var aisBetas = new Option<int>("--ais-betas") { Description = "AIS inverse temperatures", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of split, topology, initial values, order and sampled states", DefaultValueFactory = _ => 42UL };
        var engine = new Option<string>("--engine") { Description = $"Engine: {string.Join(", ", Engines)}", DefaultValueFactory = _ => "cpu" };
        var standardize = new Option<string>("--standardize") { Description = "auto (none for Bernoulli units, which read [0,1] data as probabilities; per-feature for --gaussian-visible), none, per-feature or global", DefaultValueFactory = _ => "auto" };
        var report = new Option<string?>("--report") { Description = "Write the configuration, device and per-epoch metrics to this JSON file" };

        var command = new Command("rbm", "Train a SET restricted Boltzmann machine with contrastive divergence")
        {
            dataset, dataDir, hidden, epsilon, zeta, topology, pruneLast, cd, persistent, gaussian, sampleVisible, epochs, batch, lr,
            momentum, weightDecay, initScale, ais, aisEvery, aisRuns, aisBetas, seed, engine, standardize, report,
        };
        command.SetAction(result =>
        {
            try
            {
                var model = new RbmOptions
                {
                    Visible = 1, // comes with the data
                    Hidden = result.GetValue(hidden),
                    VisibleUnits = result.GetValue(gaussian) ? VisibleUnitKind.Gaussian : VisibleUnitKind.Bernoulli,
                    Epsilon = result.GetValue(epsilon),
                    Zeta = result.GetValue(zeta),
                    Topology = result.GetValue(topology) switch { "set" => TopologyKind.Set, "static" => TopologyKind.StaticSparse, "dense" => TopologyKind.Dense, var v => throw new ArgumentException($"--topology: '{v}' is not set, static or dense") },
                    InitScale = result.GetValue(initScale),
                    PruneAfterLastEpoch = result.GetValue(pruneLast),
                };
                int every = result.GetValue(aisEvery);
                var aisOptions = result.GetValue(ais) || every > 0
                    ? new AisOptions { Runs = result.GetValue(aisRuns), Betas = result.GetValue(aisBetas), Seed = result.GetValue(seed) }
                    : null;
                var training = new RbmTrainingOptions
                {
                    Epochs = result.GetValue(epochs),
                    BatchSize = result.GetValue(batch),
                    LearningRate = result.GetValue(lr),
                    Momentum = result.GetValue(momentum),
                    WeightDecay = result.GetValue(weightDecay),
                    CdSteps = result.GetValue(cd),
                    Persistent = result.GetValue(persistent),
                    SampleVisible = result.GetValue(sampleVisible),
                    Seed = result.GetValue(seed),
                    Ais = aisOptions,
                    AisInterval = every,
                };
                // Refuse bad options before any work: the data can take seconds to load.
                Refuse(model.Validate);
                Refuse(() => training.Validate(int.MaxValue));
                string engineName = result.GetValue(engine)!;
                if (!Engines.Contains(engineName))
                    throw new ArgumentException($"--engine: unknown engine '{engineName}'; available for rbm: {string.Join(", ", Engines)}");
                string scaling = result.GetValue(standardize)!;
                if (scaling == "auto") scaling = model.VisibleUnits == VisibleUnitKind.Gaussian ? "per-feature" : "none";
                var (data, _) = DataLoading.Load(result.GetValue(dataset)!, result.GetValue(dataDir), result.GetValue(seed), scaling);
                if (model.VisibleUnits == VisibleUnitKind.Bernoulli) CheckUnitInterval(data);
                model = model with { Visible = data.Train.FeatureCount };
                return Run(data, model, training, engineName, result.GetValue(report));
            }
            catch (Exception e) when (e is ArgumentException or DataFormatException or FileNotFoundException
                                          or DirectoryNotFoundException or InvalidDataException or TrainingDivergedException
                                          or SetGpu.Gpu.DeviceUnavailableException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>The option behind each validation message of <see cref="RbmOptions"/> and <see cref="RbmTrainingOptions"/>.</summary>
    static readonly (string Prefix, string Option)[] OptionOf =
    [
        ("hidden", "--hidden"), ("epsilon", "--epsilon"), ("zeta", "--zeta"), ("init scale", "--init-scale"), ("epochs", "--epochs"),
        ("batch", "--batch"), ("learning rate", "--lr"), ("momentum", "--momentum"), ("weight decay", "--weight-decay"), ("CD steps", "--cd"),
        ("AIS runs", "--ais-runs"), ("AIS betas", "--ais-betas"), ("AIS interval", "--ais-every"),
    ];

    /// <summary>Runs a library validation and names the command-line option in its message.</summary>
    static void Refuse(Action validate)
    {
        try { validate(); }
        catch (ArgumentException e)
        {
            string option = OptionOf.FirstOrDefault(p => e.Message.StartsWith(p.Prefix, StringComparison.Ordinal)).Option ?? "options";
            throw new ArgumentException($"{option}: {e.Message}");
        }
    }

    /// <summary>Bernoulli visible units read each value as a probability: refuse data outside [0, 1] before training.</summary>
    static void CheckUnitInterval(DatasetSplit data)
    {
        foreach (var set in new[] { data.Train, data.Test })
        {
            float min = set.Features.Min(), max = set.Features.Max();
            if (min < 0 || max > 1)
                throw new ArgumentException($"{set.Name}: values run from {min} to {max}, but Bernoulli visible units need data in [0, 1]; " +
                                            "rescale it, or use --gaussian-visible --standardize per-feature");
        }
    }

    static int Run(DatasetSplit data, RbmOptions model, RbmTrainingOptions training, string engineName, string? reportPath)
    {
        model.Validate();
        training.Validate(data.Train.Samples);
        Console.WriteLine($"data: {data.Train.Name}: {data.Train.Samples} train / {data.Test.Samples} test samples, {data.Train.FeatureCount} features");
        var rbm = SparseRbm.Create(model, training.Seed);
        Console.WriteLine(rbm.Summary());
        using IRbmEngine engine = engineName == "cpu"
            ? new CpuRbmEngine(rbm, training)
            : new SetGpu.Gpu.Rbm.IlgpuRbmEngine(rbm, training, engineName, host => new CpuRbmEngine(host, training)); // AIS on the host
        Console.WriteLine($"engine: {engine.Name} on {engine.Device}");
        var report = new RbmReport
        {
            Engine = engine.Name,
            Device = engine.Device,
            Dataset = data.Train.Name,
            TrainSamples = data.Train.Samples,
            TestSamples = data.Test.Samples,
            Model = model,
            Training = training,
            InitialConnections = rbm.Connections,
        };
        Console.WriteLine($"{"epoch",5}  {"train rec",10}  {"test rec",10}  {"F gap",9}  {"train s",8}  {"eval s",7}  {"evolve s",8}  {"nnz",9}");
        RbmTrainer.Train(engine, data, training, report, new Table(report, reportPath));

        var last = report.Epochs[^1];
        var times = report.Epochs.Select(e => e.TrainSeconds).Order().ToArray();
        Console.WriteLine($"final test reconstruction error {last.TestReconstructionError:F5} (best {report.Epochs.Min(e => e.TestReconstructionError):F5}); " +
                          $"per epoch: training {times[times.Length / 2]:F4} s (median), evaluation {report.Epochs.Average(e => e.EvaluationSeconds):F4} s, evolution {report.Epochs.Average(e => e.EvolutionSeconds):F4} s");
        if (reportPath is not null) Console.WriteLine($"report: {Path.GetFullPath(reportPath)}");
        return 0;
    }

    /// <summary>One row per epoch, AIS lines when made; rewrites the report after every epoch so a long run's records survive.</summary>
    sealed class Table(RbmReport report, string? path) : IRbmObserver
    {
        public void OnEpoch(RbmEpochRecord r)
        {
            Console.WriteLine($"{r.Epoch + 1,5}  {r.TrainReconstructionError,10:F5}  {r.TestReconstructionError,10:F5}  {r.FreeEnergyGap,9:F3}  {r.TrainSeconds,8:F4}  {r.EvaluationSeconds,7:F4}  {r.EvolutionSeconds,8:F4}  {r.Connections,9:N0}");
            if (r.TestLogLikelihood is { } ll)
                Console.WriteLine($"       test log-likelihood {ll.MeanLogProbability:F3} ± {ll.StdErr:F3} nats per sample with " +
                                  (ll.ExactLogZ is { } exact ? $"the exact log Z = {exact:F3}; AIS gave log Z = " : "log Z = ") +
                                  $"{ll.LogZ.LogZ:F3} ± {ll.LogZ.StdErr:F3} ({ll.LogZ.Runs} runs, {ll.LogZ.Betas} betas, {ll.LogZ.EffectiveRuns:F0} effective, {ll.Seconds:F1} s)");
            if (path is not null) report.Save(path);
        }
    }
}
