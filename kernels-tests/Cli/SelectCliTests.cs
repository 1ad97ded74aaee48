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
    [InlineData("--method", "lasso", "--method: 'lasso' is not one of quickselection")]
    [InlineData("--k", "5000", "--k: 5000 features asked for, but yale has 1024")]
    [InlineData("--dataset", "no-such-set", "no-such-set")]
    public void Bad_options_are_one_line_errors(string option, string value, string message)
    {
        string[] dataset = option == "--dataset" ? [] : ["--dataset", "yale"];
        string[] args = ["select", .. dataset, "--data-dir", SharedData.Root, "--epochs", "1", "--engine", "cpu", option, value];
        var result = CliHost.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public void Clustering_accuracy_matches_clusters_to_labels_one_to_one()
    {
        Assert.Equal(1.0, FeatureEvaluation.ClusteringAccuracy([2, 2, 0, 0, 1, 1], [0, 0, 1, 1, 2, 2], 3));
        // Two clusters both mostly label 0: only one of them may be matched to it.
        Assert.Equal(4 / 6.0, FeatureEvaluation.ClusteringAccuracy([0, 0, 1, 1, 1, 2], [0, 0, 0, 0, 1, 2], 3), 12);
    }

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
}
