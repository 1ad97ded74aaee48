using SetGpu.Data;
using System.Text.Json;
using SetGpu.Cli.Selection;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Cli;

/// <summary><c>select</c>: its errors, the clustering accuracy's matching, and a short run on Yale end to end.</summary>
[Collection(nameof(CliHost))]
public class SelectCliTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("--k", "0", "--k: 0; select at least 1 feature")]
    [InlineData("--k-list", "25,x", "--k-list: 'x' is not a whole number (in '25,x')")]
    [InlineData("--method", "lasso", "--method: 'lasso' is not one of quickselection, wast, attribution, mlp-strength")]
    [InlineData("--model", "x.ckpt", "--model: only --method attribution or mlp-strength takes a trained model")]
    [InlineData("--k", "5000", "--k: 5000 features asked for, but yale has 1024")]
    [InlineData("--classifier", "forest", "--classifier: 'forest' is not one of svm, logistic")]
    [InlineData("--svm-max-train", "-1", "--svm-max-train: -1; give 0 (all samples) or more")]
    [InlineData("--dataset", "no-such-set", "no-such-set")]
    [InlineData("--scaling", "zscore", "--scaling: 'zscore' is not auto, standard or minmax")]
    [InlineData("--init", "xavier", "--init: 'xavier' is not normal or he-uniform")]
    [InlineData("--reconstruction", "softmax", "--reconstruction: 'softmax' is not linear or sigmoid")]
    [InlineData("--noise", "1", "--noise: 1; give a fraction in [0, 1)")]
    [InlineData("--regrow", "random", "--regrow: 'random' is not init or zero")]
    [InlineData("--wast-every", "2", "--wast-every: only --method wast evolves after batches")]
    public void Bad_options_are_one_line_errors(string option, string value, string message)
    {
        string[] dataset = option == "--dataset" ? [] : ["--dataset", "yale"];
        string[] args = ["select", .. dataset, "--data-dir", SharedData.Root, "--epochs", "1", "--engine", "cpu", option, value];
        var result = CliHost.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Trait(Lane.Category, Lane.Slow)]
    [Fact]
    public void A_short_wast_run_on_yale_reports_its_cost_per_batch()
    {
        CliHost.Ok("select", "--dataset", "yale", "--data-dir", SharedData.Root, "--method", "wast", "--epochs", "2", "--hidden", "200",
                   "--k-list", "50", "--random-draws", "1", "--features", _dir.File("yale.csv"), "--report", _dir.File("yale.json"));
        using var report = JsonDocument.Parse(File.ReadAllText(_dir.File("yale.json")));
        var wast = report.RootElement.GetProperty("wast");
        Assert.True(wast.GetProperty("batches").GetInt64() > 0);
        Assert.Equal(wast.GetProperty("batches").GetInt64(), wast.GetProperty("steps").GetInt64()); // every batch evolves
        Assert.InRange(wast.GetProperty("evolutionSeconds").GetDouble(), 1e-9, wast.GetProperty("trainSeconds").GetDouble());
        double stages = wast.GetProperty("dropSeconds").GetDouble() + wast.GetProperty("growthSeconds").GetDouble()
                        + wast.GetProperty("rebuildSeconds").GetDouble() + wast.GetProperty("indexSeconds").GetDouble();
        Assert.InRange(stages, 1e-9, wast.GetProperty("evolutionSeconds").GetDouble()); // the stages are parts of the evolution
        Assert.Equal(0.3, report.RootElement.GetProperty("autoencoder").GetProperty("wast").GetProperty("zeta").GetDouble());
    }

    /// <summary>Attribution's classifier regrows at 0 unless --regrow says otherwise; QuickSelection keeps the authors' drawn regrowth.</summary>
    [Trait(Lane.Category, Lane.Slow)]
    [Theory]
    [InlineData("attribution", null, RegrowthValues.Zero)]
    [InlineData("attribution", "init", RegrowthValues.Initializer)]
    [InlineData("quickselection", null, RegrowthValues.Initializer)]
    [InlineData("quickselection", "zero", RegrowthValues.Zero)]
    public void The_regrowth_of_each_method_is_its_default_or_the_one_written(string method, string? regrow, RegrowthValues expected)
    {
        string[] given = regrow is null ? [] : ["--regrow", regrow];
        CliHost.Ok(["select", "--dataset", "yale", "--data-dir", SharedData.Root, "--method", method, "--epochs", "1", "--hidden", "50",
                    "--k-list", "20", "--random-draws", "1", "--engine", "cpu", "--features", _dir.File("f.csv"), "--report", _dir.File("r.json"), .. given]);
        using var report = JsonDocument.Parse(File.ReadAllText(_dir.File("r.json")));
        Assert.Equal(expected.ToString(), report.RootElement.GetProperty("autoencoder").GetProperty("regrowth").GetString(), ignoreCase: true);
    }

    [Fact]
    public void Wast_with_regrowth_at_0_is_a_one_line_error()
    {
        var result = CliHost.Run("select", "--dataset", "yale", "--data-dir", SharedData.Root, "--method", "wast", "--regrow", "zero", "--engine", "cpu");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("it needs Regrowth = Initializer", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public void Clustering_accuracy_matches_clusters_to_labels_one_to_one()
    {
        Assert.Equal(1.0, FeatureEvaluation.ClusteringAccuracy([2, 2, 0, 0, 1, 1], [0, 0, 1, 1, 2, 2], 3));
        // Two clusters both mostly label 0: only one of them may be matched to it.
        Assert.Equal(4 / 6.0, FeatureEvaluation.ClusteringAccuracy([0, 0, 1, 1, 1, 2], [0, 0, 0, 0, 1, 2], 3), 12);
    }

    [Fact]
    public void Random_features_are_distinct_and_the_same_in_every_process()
    {
        var draw = SelectCommand.RandomFeatures(features: 1000, k: 8, seed: 1, draw: 0);
        Assert.Equal(8, draw.Distinct().Count());
        Assert.All(draw, f => Assert.InRange(f, 0, 999));
        // Fixed values: the draw must not depend on a per-process hash seed (HashCode.Combine's), or the random column
        // of the table would change from run to run.
        Assert.True(RandomGolden.SequenceEqual(draw), $"draw: {string.Join(", ", draw)}");
        Assert.NotEqual(draw, SelectCommand.RandomFeatures(1000, 8, seed: 1, draw: 1));
        Assert.NotEqual(draw, SelectCommand.RandomFeatures(1000, 8, seed: 2, draw: 0));
    }

    static readonly int[] RandomGolden = [512, 289, 275, 366, 823, 564, 688, 227];

    [Trait(Lane.Category, Lane.Slow)]
    [Fact]
    public void A_short_run_on_yale_writes_features_and_a_report()
    {
        var result = CliHost.Ok("select", "--dataset", "yale", "--data-dir", SharedData.Root, "--epochs", "2", "--hidden", "200",
                                "--k-list", "20,50", "--random-draws", "2", "--engine", "cpu",
                                "--features", _dir.File("yale.csv"), "--report", _dir.File("yale.json"));
        Assert.Contains("all 1024 features: accuracy", result.Output);
        var lines = File.ReadAllLines(_dir.File("yale.csv"));
        Assert.Equal("rank,feature,importance", lines[0]);
        Assert.Equal(1025, lines.Length);
        using var report = JsonDocument.Parse(File.ReadAllText(_dir.File("yale.json")));
        var rows = report.RootElement.GetProperty("rows");
        Assert.Equal(2, rows.GetArrayLength());
        Assert.Equal(50, rows[1].GetProperty("k").GetInt32());
        double accuracy = rows[1].GetProperty("selected").GetProperty("accuracy").GetDouble();
        Assert.InRange(accuracy, 1.0 / 15, 1.0); // above chance is not asserted on 2 epochs; the table's numbers are in docs
        Assert.True(File.Exists(_dir.File("yale.json")));
        Assert.Equal(1024, report.RootElement.GetProperty("ranking").GetArrayLength());
    }

    /// <summary>--no-baselines scores the selected features exactly as a whole run does, and writes no all-feature or random scores.</summary>
    [Trait(Lane.Category, Lane.Slow)]
    [Fact]
    public void Without_baselines_the_selected_scores_are_the_same_and_the_rest_is_not_written()
    {
        string[] run = ["select", "--dataset", "yale", "--data-dir", SharedData.Root, "--epochs", "1", "--hidden", "100", "--k-list", "30",
                        "--random-draws", "1", "--engine", "cpu", "--features", _dir.File("f.csv"), "--table", _dir.File("t.tsv")];
        CliHost.Ok([.. run, "--report", _dir.File("whole.json")]);
        var result = CliHost.Ok([.. run, "--report", _dir.File("selected.json"), "--no-baselines"]);
        Assert.Contains("all features and random ones: not scored (--no-baselines)", result.Output);

        var lines = File.ReadAllLines(_dir.File("t.tsv")).Select(l => l.Split('\t')).ToArray();
        var header = lines[0];
        Assert.Equal(3, lines.Length);
        foreach (var column in new[] { "accuracy", "clustering" })
            Assert.Equal(lines[1][Array.IndexOf(header, column)], lines[2][Array.IndexOf(header, column)]);
        foreach (var column in new[] { "random_accuracy", "random_clustering", "all_accuracy", "all_clustering" })
        {
            Assert.NotEqual("NaN", lines[1][Array.IndexOf(header, column)]);
            Assert.Equal("NaN", lines[2][Array.IndexOf(header, column)]);
        }
        using var report = JsonDocument.Parse(File.ReadAllText(_dir.File("selected.json")));
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("allFeatures").ValueKind);
        Assert.Equal(0, report.RootElement.GetProperty("randomDraws").GetInt32());
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("rows")[0].GetProperty("randomMean").ValueKind);
    }
}

/// <summary>The evaluation's classifier on data whose labels carry no signal, and on data whose labels do.</summary>
public class FeatureEvaluationTests
{
    static (Dataset Train, Dataset Test) Blobs(int classes, bool signal, int seed)
    {
        var rng = new System.Random(seed);
        const int features = 20;
        Dataset Make(int n)
        {
            var x = new float[n * features];
            var y = new int[n];
            for (int s = 0; s < n; s++)
            {
                y[s] = rng.Next(classes);
                for (int f = 0; f < features; f++)
                    x[s * features + f] = (float)rng.NextDouble() + (signal && f < 3 && y[s] % 3 == f ? 2f : 0f);
            }
            return new Dataset("blobs", x, y, features, classes);
        }
        return (Make(300), Make(200));
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(5, true)]
    [InlineData(2, false)]
    [InlineData(5, false)]
    public void Labels_without_signal_score_near_chance_and_with_signal_well(int classes, bool svm)
    {
        var classifier = svm ? FeatureClassifier.Svm : FeatureClassifier.Logistic;
        var (train, test) = Blobs(classes, signal: false, seed: 1);
        var noise = new FeatureEvaluation(train, test, 1, classifier).Score(Enumerable.Range(0, 20).ToArray());
        Assert.InRange(noise.Accuracy, 0, 1.0 / classes + 0.15);
        (train, test) = Blobs(classes, signal: true, seed: 1);
        var informative = new FeatureEvaluation(train, test, 1, classifier).Score([0, 1, 2]);
        Assert.True(informative.Accuracy > 1.0 / classes + 0.2, $"accuracy {informative.Accuracy} with {classes} classes");
    }

    [Fact]
    public void Xor_is_solved_by_the_rbf_svm_and_not_by_the_linear_model()
    {
        Dataset Make(int seed)
        {
            var (x, y) = Analysis.SupportVectorClassifierTests.Xor(400, seed);
            return new Dataset("xor", x, y, 2, 2);
        }
        var (train, test) = (Make(1), Make(2));
        double svm = new FeatureEvaluation(train, test, 1, FeatureClassifier.Svm).ClassifierAccuracy([0, 1]).Accuracy;
        double logistic = new FeatureEvaluation(train, test, 1, FeatureClassifier.Logistic).ClassifierAccuracy([0, 1]).Accuracy;
        Assert.True(svm > 0.95, $"SVM accuracy {svm}");
        Assert.True(logistic < 0.65, $"logistic regression accuracy {logistic}: no line separates XOR");
    }

    [Fact]
    public void The_svm_subsample_keeps_every_class_in_proportion()
    {
        int[] labels = [.. Enumerable.Repeat(0, 600), .. Enumerable.Repeat(1, 300), .. Enumerable.Repeat(2, 100)];
        var rows = FeatureEvaluation.StratifiedSubsample(labels, 100, seed: 3);
        Assert.Equal([60, 30, 10], rows.GroupBy(r => labels[r]).OrderBy(g => g.Key).Select(g => g.Count()).ToArray());
        Assert.Equal(rows.Order().Distinct(), rows); // increasing, no repeats
        Assert.Equal(rows, FeatureEvaluation.StratifiedSubsample(labels, 100, seed: 3));
        Assert.NotEqual(rows, FeatureEvaluation.StratifiedSubsample(labels, 100, seed: 4));
        var (train, test) = Blobs(2, signal: true, seed: 2);
        var evaluation = new FeatureEvaluation(train, test, 1, FeatureClassifier.Svm, svmMaxTrain: 60);
        Assert.Contains("subsample of 60 of the 300 training samples", evaluation.Classifier);
        Assert.True(evaluation.ClassifierAccuracy([0, 1, 2]).Accuracy > 0.7);
    }

    [Fact]
    public void Fewer_distinct_test_rows_than_classes_cluster_each_distinct_row_alone()
    {
        // four classes; feature 0 is constant, feature 1 takes two values: 2 distinct test rows, which ML.NET's k-means refuses
        Dataset Make(int samples)
        {
            var x = new float[samples * 2];
            var y = new int[samples];
            for (int s = 0; s < samples; s++)
            {
                y[s] = s % 4;
                x[2 * s] = 1f;
                x[2 * s + 1] = y[s] < 2 ? 0f : 1f;
            }
            return new Dataset("two-rows", x, y, 2, 4);
        }
        var score = new FeatureEvaluation(Make(40), Make(40), 1, FeatureClassifier.Logistic).Score([0, 1]);
        // the best one-to-one matching of the 2 clusters to the 4 classes covers 2 of the 4 equal classes: half the samples
        Assert.Equal(0.5, score.ClusteringAccuracy, 9);
    }
}
