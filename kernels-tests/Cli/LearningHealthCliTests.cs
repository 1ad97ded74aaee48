using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cli;

/// <summary>
/// The issue's trap on the reference's lung-shaped data: sigmoid outputs under plain MSE with He-uniform weights stay at
/// the majority class, and the run says so; with the default initialiser (auto) the same command learns.
/// </summary>
[Collection(nameof(CliHost))]
[Trait(Lane.Category, Lane.Slow)]
public class LearningHealthCliTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    static readonly string[] Lung = ["train", "--dataset", "lung-reference-style", "--hidden", "300,300,300", "--output", "sigmoid",
                                     "--loss", "mse", "--batch", "2", "--epochs", "4", "--engine", "cpu"];

    [Fact]
    public void A_run_that_does_not_learn_says_so_once_in_a_warning_in_the_table_and_in_the_report()
    {
        var run = CliHost.Ok([.. Lung, "--init", "he-uniform", "--report", _dir.File("he.json")]);
        Assert.Single(run.Error.Split('\n'), l => l.StartsWith("warning: the network is not learning (epoch "));
        Assert.Contains("health", run.Output);
        Assert.Matches(@"67\.65 %\s+(sat|const)", run.Output);
        var report = TrainingReport.Load(_dir.File("he.json"));
        Assert.Equal(WeightInitKind.HeUniform, ((SetMlpSpec)report.Spec).WeightInit);
        Assert.All(report.Epochs, e => Assert.Equal(report.Epochs[0].Health!.MajorityRate, e.Test!.Accuracy!.Value, 6));
        Assert.Contains(report.Epochs, e => e.Health!.Findings.Any(f => f.Problem == HealthProblem.SaturatedOutputs));
    }

    [Fact]
    public void The_default_initialiser_of_sigmoid_with_mse_is_the_references_and_it_learns()
    {
        var run = CliHost.Ok([.. Lung, "--report", _dir.File("auto.json")]);
        Assert.DoesNotContain("warning", run.Error);
        var report = TrainingReport.Load(_dir.File("auto.json"));
        Assert.Equal(WeightInitKind.ReferenceNormal, ((SetMlpSpec)report.Spec).WeightInit);
        var last = report.Epochs[^1];
        Assert.True(last.Test!.Accuracy > last.Health!.MajorityRate + 0.05, $"accuracy {last.Test.Accuracy:P2}, majority {last.Health.MajorityRate:P2}");
        Assert.All(report.Epochs, e => Assert.Empty(e.Health!.Findings));
    }

    [Theory]
    [InlineData("softmax", "ce", WeightInitKind.HeUniform)]
    [InlineData("sigmoid", "mse-reference", WeightInitKind.HeUniform)]
    [InlineData("sigmoid", "mse", WeightInitKind.ReferenceNormal)]
    [InlineData("softmax", "mse", WeightInitKind.ReferenceNormal)]
    [InlineData("linear", "mse", WeightInitKind.ReferenceNormal)]
    public void Auto_picks_the_initialiser_by_output_and_loss(string output, string loss, WeightInitKind expected)
    {
        CliHost.Ok("train", "--hidden", "20", "--epochs", "1", "--engine", "cpu", "--output", output, "--loss", loss, "--report", _dir.File("r.json"));
        Assert.Equal(expected, ((SetMlpSpec)TrainingReport.Load(_dir.File("r.json")).Spec).WeightInit);
    }

    [Fact]
    public void Without_batch_and_lr_a_small_training_split_gets_a_smaller_batch_and_the_rate_scaled_to_it()
    {
        // lung-reference-style: 135 training samples, so ⌊135 / 64⌋ = 2, raised to the smallest batch, 4
        CliHost.Ok("train", "--dataset", "lung-reference-style", "--hidden", "50", "--epochs", "1", "--engine", "cpu", "--report", _dir.File("auto.json"));
        var auto = TrainingReport.Load(_dir.File("auto.json"));
        Assert.Equal(135, auto.TrainSamples);
        Assert.Equal(4, auto.Spec.BatchSize);
        Assert.Equal(0.01f * MathF.Sqrt(4f / 32), auto.Spec.Optimizer.LearningRate, 6);

        CliHost.Ok("train", "--dataset", "lung-reference-style", "--hidden", "50", "--epochs", "1", "--engine", "cpu", "--batch", "8", "--report", _dir.File("given.json"));
        var given = TrainingReport.Load(_dir.File("given.json"));
        Assert.Equal(8, given.Spec.BatchSize);
        Assert.Equal(0.01f, given.Spec.Optimizer.LearningRate, 6);

        CliHost.Ok("train", "--dataset", "lung-reference-style", "--hidden", "50", "--epochs", "1", "--engine", "cpu", "--lr", "0.05", "--report", _dir.File("lr.json"));
        var rate = TrainingReport.Load(_dir.File("lr.json"));
        Assert.Equal(4, rate.Spec.BatchSize);
        Assert.Equal(0.05f, rate.Spec.Optimizer.LearningRate, 6);

        // plain MSE: three times SGD's rate, then the same scaling
        CliHost.Ok("train", "--dataset", "lung-reference-style", "--hidden", "50", "--epochs", "1", "--engine", "cpu", "--loss", "mse", "--report", _dir.File("mse.json"));
        Assert.Equal(0.03f * MathF.Sqrt(4f / 32), TrainingReport.Load(_dir.File("mse.json")).Spec.Optimizer.LearningRate, 6);
    }
}
