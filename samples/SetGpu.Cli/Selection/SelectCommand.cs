using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SetGpu.Analysis;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cli.Selection;

/// <summary>
/// <c>select</c>: unsupervised feature selection from a SET denoising autoencoder (QuickSelection: input neuron strength),
/// the ranked features written as CSV and JSON, and their worth measured: a classifier's test accuracy and k-means'
/// clustering accuracy on the top K, beside all features and K random features.
/// </summary>
internal static class SelectCommand
{
    static readonly string[] Methods = ["quickselection", "wast", "attribution", "mlp-strength"];

    static readonly Option<string> Dataset = new("--dataset") { Description = "Catalog name (coil20, mnist, isolet, madelon, pcmac, basehock, relathe, arcene, orl, yale, …) or a file", DefaultValueFactory = _ => "coil20" };
    static readonly Option<string?> DataDir = new("--data-dir") { Description = "Folder laid out like shared/data, searched first" };
    static readonly Option<string> Method = new("--method") { Description = "quickselection: input neuron strength of a SET-DAE; wast: input importance of a SET-DAE with importance-guided evolution after every batch (CPU engine); attribution: mean |∂y/∂x| of a SET-MLP classifier (trained here, or --model); mlp-strength: input neuron strength of that classifier", DefaultValueFactory = _ => "quickselection" };
    static readonly Option<string?> Model = new("--model") { Description = "attribution: the trained MLP (a saved model or checkpoint) to attribute instead of training one" };
    static readonly Option<int> K = new("--k") { Description = "Features to select", DefaultValueFactory = _ => 50 };
    static readonly Option<string?> KList = new("--k-list") { Description = "Evaluate several K, comma-separated (e.g. 25,50,100,200); replaces --k" };
    static readonly Option<int> Hidden = new("--hidden") { Description = "Hidden neurons of the autoencoder", DefaultValueFactory = _ => 1000 };
    static readonly Option<int?> Epochs = new("--epochs") { Description = "Epochs of the autoencoder (default: QuickSelection's 100; WAST's 10 for --method wast)" };
    static readonly Option<ulong> Seed = new("--seed") { Description = "Seed of split, autoencoder, random features and k-means", DefaultValueFactory = _ => 42UL };
    static readonly Option<double> TrainFraction = new("--train-fraction") { Description = "Stratified train fraction where the dataset has no official split", DefaultValueFactory = _ => 0.8 };
    static readonly Option<int> RandomDraws = new("--random-draws") { Description = "Draws of K random features to compare against", DefaultValueFactory = _ => 10 };
    static readonly Option<bool> NoBaselines = new("--no-baselines") { Description = "Score only the selected features, not all features and K random ones: those depend only on the dataset, --seed, --train-fraction and K, so another method's run with the same ones has them (on MNIST they are most of a run's time)" };
    static readonly Option<string> Engine = new("--engine", "--device") { Description = $"Device: {Device.Forms}", DefaultValueFactory = _ => "auto" };
    static readonly Option<string?> Features = new("--features") { Description = "Write the ranked features to this CSV file and beside it as .json (default: DATASET.METHOD.features.csv)" };
    static readonly Option<string?> Report = new("--report") { Description = "Write the settings, the autoencoder's run and the evaluation to this JSON file" };
    static readonly Option<bool> RecordImportance = new("--record-importance") { Description = "Keep the importance of every input after every epoch in the report (attribution: the final map): the frames `plot` draws for image data" };
    static readonly Option<string?> Table = new("--table") { Description = "Append one tab-separated line per K to this file (written with a header when new): the rows `SetGpu.Bench select-table` summarises" };
    static readonly Option<string> Classifier = new("--classifier") { Description = "svm: RBF-kernel SVM, scikit-learn SVC's defaults (C = 1, gamma = 'scale'), the published figures' classifier; logistic: ML.NET's multinomial logistic regression (L2 = 0.01)", DefaultValueFactory = _ => "svm" };
    static readonly Option<int> SvmMaxTrain = new("--svm-max-train") { Description = "Train the SVM on at most this many training samples, a stratified seeded subsample (0: all; for MNIST's 60,000)", DefaultValueFactory = _ => 0 };

    public static Command Create()
    {
        var command = new Command("select", "Select features (QuickSelection or WAST from a SET denoising autoencoder; neuron attribution or input strength of a SET-MLP classifier) and measure them");
        foreach (var option in new Option[] { Dataset, DataDir, Method, Model, K, KList, Hidden, Epochs, Seed, TrainFraction, RandomDraws, NoBaselines, Engine, Features, Report, RecordImportance, Table })
            command.Options.Add(option);
        foreach (var option in SelectDaeOptions.All)
            command.Options.Add(option);
        command.SetAction(result => CliErrors.Run(() => Execute(result)));
        command.Options.Add(Classifier);
        command.Options.Add(SvmMaxTrain);
        return command;
    }

    static int Execute(ParseResult r)
    {
        string method = r.GetValue(Method)!;
        if (!Methods.Contains(method)) throw new ArgumentException($"--method: '{method}' is not one of {string.Join(", ", Methods)}");
        var ks = KValues(r);
        int draws = r.GetValue(RandomDraws);
        if (draws < 1) throw new ArgumentException($"--random-draws: {draws}; give at least 1");
        bool baselines = !r.GetValue(NoBaselines);
        if (!baselines) draws = 0;
        double fraction = r.GetValue(TrainFraction);
        if (!(fraction > 0 && fraction < 1)) throw new ArgumentException($"--train-fraction: {fraction}; give a fraction in (0, 1)");
        var classifier = r.GetValue(Classifier) switch
        {
            "svm" => FeatureClassifier.Svm,
            "logistic" => FeatureClassifier.Logistic,
            var other => throw new ArgumentException($"--classifier: '{other}' is not one of svm, logistic"),
        };
        int svmMaxTrain = r.GetValue(SvmMaxTrain);
        if (svmMaxTrain < 0) throw new ArgumentException($"--svm-max-train: {svmMaxTrain}; give 0 (all samples) or more");
        var device = Device.Parse(r.GetValue(Engine)!);
        ulong seed = r.GetValue(Seed);
        string name = r.GetValue(Dataset)!;

        var catalog = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = r.GetValue(DataDir), Log = Console.Error });
        var raw = catalog.Load(name, DataLoading.SplitSeed(seed), fraction);
        int d = raw.Train.FeatureCount;
        if (ks.Max() > d) throw new ArgumentException($"--k: {ks.Max()} features asked for, but {name} has {d}");
        // The method trains on the features scaled by --scaling; the evaluation always sees them min-max scaled, so that
        // the scores of all and of random features do not depend on how the selection was made.
        var (scaling, scalingWhy) = SelectDaeOptions.ScalingOf(r, method, raw.Train);
        var split = FeatureScaling.Apply(raw, scaling);
        var evaluated = scaling == FeatureScalingKind.MinMax ? split : MinMaxScaling.Apply(raw);
        string splitText = raw.Train.Samples + raw.Test.Samples == 0 ? "" :
            $"{raw.Train.Samples} train / {raw.Test.Samples} test (the dataset's own split where it has one, else stratified {fraction:0.##}/{1 - fraction:0.##}); features {FeatureScaling.Describe(scaling)}{(scalingWhy is null ? "" : $" ({scalingWhy})")}{(scaling == FeatureScalingKind.MinMax ? "" : ", evaluated min-max scaled")}";
        Console.WriteLine($"data: {name}: {splitText}, {d} features, {raw.Train.Classes} classes");

        string featuresPath = r.GetValue(Features) ?? $"{Path.GetFileNameWithoutExtension(name)}.{method}.features.csv";
        string? reportPath = r.GetValue(Report);
        OutputTargets.Check(new RunOutputs(device, reportPath, null, 0, null), null);

        if (r.GetValue(Model) is not null && method is "quickselection" or "wast") throw new ArgumentException("--model: only --method attribution or mlp-strength takes a trained model");
        var baseSpec = SelectDaeOptions.Baseline(method, d, r.GetValue(Hidden));
        int epochs = r.GetValue(Epochs) ?? baseSpec.Epochs;
        if (epochs < 1) throw new ArgumentException($"--epochs: {epochs}; train at least 1 epoch");
        var spec = SelectDaeOptions.Apply(r, baseSpec with { Epochs = epochs, Seed = seed });
        var record = r.GetValue(RecordImportance) ? new ImportanceRecord() : null;
        if (record is not null && reportPath is null) throw new ArgumentException("--record-importance: the importance is kept in the report; give --report FILE");
        var clock = Stopwatch.StartNew();
        WastTiming? wastTiming = null;
        var (importance, errors, engine) = method switch
        {
            "quickselection" => QuickSelection(split, spec, device, record),
            "wast" => Wast(split, spec, device, record, timing => wastTiming = timing),
            _ => Supervised(r, split, spec, device, strength: method == "mlp-strength", record),
        };
        var ranking = FeatureRanking.Rank(importance);
        double selectionSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"trained and ranked in {selectionSeconds:F1} s");
        WriteFeatures(featuresPath, name, method, ranking, importance);
        Console.WriteLine($"features: {Path.GetFullPath(featuresPath)} and {Path.ChangeExtension(Path.GetFullPath(featuresPath), ".json")}");

        var evaluation = new FeatureEvaluation(evaluated.Train, evaluated.Test, DataLoading.SplitSeed(seed), classifier, svmMaxTrain);
        Console.WriteLine($"classifier: {evaluation.Classifier}");
        FeatureScore? all = baselines ? evaluation.Score(Enumerable.Range(0, d).ToArray()) : null;
        Console.WriteLine(all is null ? "all features and random ones: not scored (--no-baselines)"
                                      : $"all {d} features: accuracy {all.Value.Accuracy:P2}, clustering {all.Value.ClusteringAccuracy:P2}");
        Console.WriteLine($"{"K",5}  {"accuracy",9}  {"clustering",10}  {"random acc (mean ± sd)",24}  {"random clustering",18}");
        var rows = new List<SelectionRow>();
        foreach (int k in ks)
        {
            var selected = evaluation.Score(ranking[..k]);
            var random = Enumerable.Range(0, draws).Select(i => evaluation.Score(RandomFeatures(d, k, seed, i))).ToArray();
            FeatureScore? mean = draws > 0 ? Mean(random) : null, sd = draws > 0 ? Sd(random) : null;
            rows.Add(new SelectionRow(k, selected, mean, sd));
            Console.WriteLine($"{k,5}  {selected.Accuracy,9:P2}  {selected.ClusteringAccuracy,10:P2}  {(mean is { } m ? $"{m.Accuracy:P2} ± {sd!.Value.Accuracy:P2}" : "–"),24}  {(mean is { } c ? $"{c.ClusteringAccuracy:P2} ± {sd!.Value.ClusteringAccuracy:P2}" : "–"),18}");
        }
        if (r.GetValue(Table) is { } table)
            AppendTable(table, name, method, seed, spec.Epochs, selectionSeconds, all, rows, r.GetValue(Classifier)!);
        if (reportPath is not null)
        {
            new SelectionReport
            {
                Dataset = name, Method = method, Split = splitText, TrainSamples = split.Train.Samples, TestSamples = split.Test.Samples,
                Features = d, Classifier = evaluation.Classifier, Autoencoder = spec, Engine = engine,
                ReconstructionError = errors, SelectionSeconds = selectionSeconds,
                AllFeatures = all, RandomDraws = draws, Rows = [.. rows], Ranking = ranking, Wast = wastTiming,
                ImageShape = split.Train.ImageShape is { } shape ? [shape.Height, shape.Width] : null,
                ImagePixelOrder = split.Train.ImageShape is null ? null : split.Train.PixelOrder,
                MeanImage = split.Train.ImageShape is null ? null : FeatureMeans(split.Train),
                ImportancePerEpoch = record?.Snapshots,
            }.Save(reportPath);
            Console.WriteLine($"report: {Path.GetFullPath(reportPath)}");
        }
        return 0;
    }

    /// <summary>The columns of <c>--table</c>.</summary>
    public const string TableHeader = "dataset\tmethod\tseed\tepochs\tk\taccuracy\tclustering\trandom_accuracy\trandom_clustering\tall_accuracy\tall_clustering\tselection_seconds\tclassifier";

    /// <summary>Appends one line per K; scores not measured (--no-baselines) are written NaN.</summary>
    static void AppendTable(string path, string dataset, string method, ulong seed, int epochs, double seconds, FeatureScore? all, List<SelectionRow> rows, string classifier)
    {
        bool fresh = !File.Exists(path) || new FileInfo(path).Length == 0;
        using var writer = new StreamWriter(path, append: true);
        if (fresh) writer.WriteLine(TableHeader);
        foreach (var row in rows)
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{dataset}\t{method}\t{seed}\t{epochs}\t{row.K}\t{row.Selected.Accuracy:F4}\t{row.Selected.ClusteringAccuracy:F4}\t{row.RandomMean?.Accuracy ?? double.NaN:F4}\t{row.RandomMean?.ClusteringAccuracy ?? double.NaN:F4}\t{all?.Accuracy ?? double.NaN:F4}\t{all?.ClusteringAccuracy ?? double.NaN:F4}\t{seconds:F1}\t{classifier}"));
    }

    /// <summary>QuickSelection: train the SET-DAE, the strength of every input.</summary>
    static (float[] Importance, double[] Errors, string Engine) QuickSelection(DatasetSplit split, SetMlpSpec spec, Device device, ImportanceRecord? record)
    {
        using var dae = SetDae.Create(spec, device);
        Console.WriteLine($"SET-DAE {spec.Shape}, ε = {spec.Epsilon}, ζ = {spec.Zeta}, noise {spec.InputNoise}, dropout {spec.Dropout}, " +
                          $"{spec.WeightInit} init, {spec.OutputActivation} reconstruction, lr {spec.Optimizer.LearningRate}, decay {spec.Optimizer.WeightDecay}, {spec.Epochs} epochs on {dae.Device}");
        var run = dae.Fit(new TrainingData(split.Train, Test: split.Test), ImportanceRecord.Around(new Progress(spec.Epochs), record, dae.InputStrength));
        Console.WriteLine($"test reconstruction error {run.Epochs[^1].Test!.Loss:F5}");
        return (dae.InputStrength(), run.Epochs.Select(e => e.Test!.Loss).ToArray(), dae.DeviceDescription);
    }

    /// <summary>WAST: train the SET-DAE with importance-guided evolution after every batch, the importance of every input.</summary>
    static (float[] Importance, double[] Errors, string Engine) Wast(DatasetSplit split, SetMlpSpec spec, Device device, ImportanceRecord? record, Action<WastTiming> timed)
    {
        using var dae = SetDae.Create(spec, device);
        var wast = spec.Wast!;
        Console.WriteLine($"SET-DAE {spec.Shape} with WAST (λ = {wast.Lambda}, ζ = {wast.Zeta} every {wast.EveryBatches} batch(es)), ε = {spec.Epsilon}, noise {spec.InputNoise}, {spec.Epochs} epochs on {dae.Device}");
        var run = dae.Fit(new TrainingData(split.Train, Test: split.Test), ImportanceRecord.Around(new Progress(spec.Epochs), record, dae.InputImportance));
        Console.WriteLine($"test reconstruction error {run.Epochs[^1].Test!.Loss:F5}");
        var state = dae.Wast!;
        var timing = new WastTiming(state.Importance.Batches, state.Steps, run.Epochs.Sum(e => e.TrainSeconds), state.ImportanceSeconds,
                                    state.EvolutionSeconds, state.Scored, run.Epochs[^1].Connections,
                                    state.Stages.Drop, state.Stages.Growth, state.Stages.Rebuild, state.Stages.Index);
        timed(timing);
        Console.WriteLine($"WAST: {timing.Steps} steps; per batch {1000 * timing.ImportanceSeconds / timing.Batches:F3} ms importance + " +
                          $"{1000 * timing.EvolutionSeconds / timing.Batches:F3} ms evolution, beside {1000 * (timing.TrainSeconds - timing.ImportanceSeconds - timing.EvolutionSeconds) / timing.Batches:F3} ms training");
        double perStep = 1000.0 / Math.Max(1, timing.Steps);
        Console.WriteLine($"WAST evolution per step: {perStep * timing.EvolutionSeconds:F3} ms = drop {perStep * timing.DropSeconds:F3} + growth {perStep * timing.GrowthSeconds:F3} + " +
                          $"rebuild {perStep * timing.RebuildSeconds:F3} + index {perStep * timing.IndexSeconds:F3} ms (the rest: bookkeeping)");
        return (dae.InputImportance(), run.Epochs.Select(e => e.Test!.Loss).ToArray(), dae.DeviceDescription);
    }

    /// <summary>
    /// The importance of each input to a SET-MLP classifier, the one of --model or one trained here (inputs-hidden-classes,
    /// the DAE's ε, ζ, optimiser and epochs; ReLU, softmax, CE): neuron attribution, the mean |∂y_c/∂x| over (at most
    /// 1000) training samples, or (<paramref name="strength"/>) the input neuron strength of its first layer, as
    /// Atashgahi et al. 2024 rank features for their SET-QS figures (a supervised QuickSelection).
    /// </summary>
    static (float[] Importance, double[] Errors, string Engine) Supervised(ParseResult r, DatasetSplit split, SetMlpSpec dae, Device device, bool strength, ImportanceRecord? record)
    {
        float[] Importance(SparseNetwork network) =>
            strength ? NeuronStrength.OfInputs(network.Layers[0]) : InputAttribution.MeanAbsoluteGradient(network, split.Train);
        if (r.GetValue(Model) is { } path)
        {
            var network = Checkpoints.TrainingCheckpoint.Load(path).Network
                          ?? throw new ArgumentException($"--model {path}: the file holds an RBM, not an MLP");
            Console.WriteLine($"{(strength ? "input strength" : "attribution")} of {path} ({network.Spec.Shape})");
            var given = Importance(network);
            record?.Add(0, given); // a given model's epochs are not this run's
            return (given, [], "host");
        }
        var spec = new SetMlpSpec
        {
            LayerSizes = [split.Train.FeatureCount, dae.LayerSizes[1], split.Train.Classes], Epsilon = dae.Epsilon, Zeta = dae.Zeta,
            Optimizer = dae.Optimizer, BatchSize = dae.BatchSize, Epochs = dae.Epochs, Seed = dae.Seed,
            // Strength sums |w|, initial and regrown values included, so the classifier whose strength ranks takes
            // --init (N(0,1)/10 by default; docs/feature-selection.md has both measured); attribution keeps He-uniform.
            WeightInit = strength ? dae.WeightInit : WeightInitKind.HeUniform,
            Regrowth = dae.Regrowth,
        };
        using var mlp = SetMlp.Create(spec, device);
        Console.WriteLine($"SET-MLP {spec.Shape}, ε = {spec.Epsilon}, ζ = {spec.Zeta}, {spec.Epochs} epochs on {mlp.Device}");
        var run = mlp.Fit(new TrainingData(split.Train, Test: split.Test), new Progress(spec.Epochs));
        Console.WriteLine($"classifier test accuracy {run.Epochs[^1].Test!.Accuracy:P2}");
        var map = Importance(mlp.Export());
        record?.Add(run.Epochs.Count, map);
        return (map, [], mlp.DeviceDescription);
    }

    static int[] KValues(ParseResult r)
    {
        string? list = r.GetValue(KList);
        int[] ks = list is null
            ? [r.GetValue(K)]
            : list.Split(',').Select(part => int.TryParse(part.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) ? k
                : throw new ArgumentException($"--k-list: '{part.Trim()}' is not a whole number (in '{list}')")).ToArray();
        foreach (int k in ks)
            if (k < 1) throw new ArgumentException($"--k: {k}; select at least 1 feature");
        return ks;
    }

    /// <summary>Draw <paramref name="draw"/> of <paramref name="k"/> distinct random features, keyed by the seed.</summary>
    internal static int[] RandomFeatures(int features, int k, ulong seed, int draw)
    {
        // A fixed mix of (seed, draw, k): HashCode.Combine is salted per process, so the draws (and the random
        // column of the table) would change from run to run.
        var rng = new Random((int)(Rng.CounterRng.Hash(Rng.CounterRng.Mix(seed), ((ulong)draw << 32) | (uint)k) >> 33));
        var all = Enumerable.Range(0, features).ToArray();
        rng.Shuffle(all);
        return all[..k];
    }

    /// <summary>The mean of every feature over the samples: for image data, the mean image.</summary>
    static float[] FeatureMeans(Dataset data)
    {
        var sum = new double[data.FeatureCount];
        for (int s = 0; s < data.Samples; s++)
        {
            var x = data.Sample(s);
            for (int f = 0; f < sum.Length; f++) sum[f] += x[f];
        }
        return [.. sum.Select(v => (float)(v / Math.Max(1, data.Samples)))];
    }

    static FeatureScore Mean(FeatureScore[] s) => new(s.Average(x => x.Accuracy), s.Average(x => x.ClusteringAccuracy));

    static FeatureScore Sd(FeatureScore[] s)
    {
        var m = Mean(s);
        double Of(Func<FeatureScore, double> f, double mean) =>
            s.Length < 2 ? 0 : Math.Sqrt(s.Sum(x => (f(x) - mean) * (f(x) - mean)) / (s.Length - 1));
        return new(Of(x => x.Accuracy, m.Accuracy), Of(x => x.ClusteringAccuracy, m.ClusteringAccuracy));
    }

    static void WriteFeatures(string csvPath, string dataset, string method, int[] ranking, float[] importance)
    {
        using (var csv = new StreamWriter(csvPath))
        {
            csv.WriteLine("rank,feature,importance");
            for (int i = 0; i < ranking.Length; i++)
                csv.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i + 1},{ranking[i]},{importance[ranking[i]]:R}"));
        }
        var json = new
        {
            dataset, method,
            importance = method switch
            {
                "attribution" => "mean over training samples of |dy_c/dx|, y_c the largest output of the SET-MLP",
                "wast" => "WAST: sum over the batches of lambda * mean |x_j - y_j| + (1 - lambda) * the input's strength",
                "mlp-strength" => "sum of |w| over the input's outgoing connections in the first layer of the SET-MLP classifier (neuron strength)",
                _ => "sum of |w| over the input's outgoing connections in the first layer (neuron strength)",
            },
            features = ranking.Select((f, i) => new { rank = i + 1, feature = f, importance = importance[f] }),
        };
        File.WriteAllText(Path.ChangeExtension(csvPath, ".json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>One short line per 10 epochs (and the last): the test reconstruction error.</summary>
    sealed class Progress(int epochs) : IProgress<EpochRecord>
    {
        public void Report(EpochRecord r)
        {
            if ((r.Epoch + 1) % 10 == 0 || r.Epoch + 1 == epochs || r.Epoch == 0)
                Console.WriteLine($"  epoch {r.Epoch + 1,4}: train loss {r.TrainLoss:F5}, test loss {r.Test?.Loss:F5} ({r.TrainSeconds:F2} s)");
        }
    }
}
