using SetGpu.Model;
using SetGpu.Data;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>
/// The learning-health checks: runs built to fail are flagged with the problem that makes them fail, a run that learns
/// is not, and reports keep the findings.
/// </summary>
public class LearningHealthTests
{
    static SetMlpSpec Spec(OutputActivation output = OutputActivation.Softmax, LossKind loss = LossKind.CrossEntropy) => new()
    {
        LayerSizes = [40, 60, 60, 4], Epsilon = 5, Epochs = 5, BatchSize = 16, Seed = 3, OutputActivation = output, Loss = loss,
        Optimizer = new Sgd { LearningRate = 0.05f },
    };

    static TrainingReport Fit(SparseNetwork network) =>
        SetMlp.FromNetwork(network, Device.Cpu).Fit(TrainingData.From(EndToEndTests.Blobs(400, seed: 5)));

    [Fact]
    public void A_run_that_learns_is_not_flagged()
    {
        var report = Fit(SparseNetwork.Create(Spec()));
        Assert.True(report.Epochs[^1].Test!.Accuracy > 0.8, $"accuracy {report.Epochs[^1].Test!.Accuracy:P1}");
        Assert.All(report.Epochs, e => Assert.Empty(e.Health!.Findings));
        Assert.All(report.Epochs, e => Assert.Equal(4, e.Health!.PredictedClasses));
        Assert.Equal(0.25, report.Epochs[0].Health!.MajorityRate);
        Assert.Equal("ok", LearningHealth.Cell(report.Epochs[^1].Health));
    }

    [Fact]
    public void A_layer_whose_units_never_fire_is_flagged_dead_and_its_constant_outputs_too()
    {
        var network = SparseNetwork.Create(Spec());
        // Every unit of the first hidden layer below zero for any input: nothing reaches the layers above.
        Array.Fill(network.Layers[0].Bias, -1e4f);
        var report = Fit(network);

        var first = report.Epochs[0].Health!;
        Assert.Equal(1.0, first.DeadUnits![0]);
        Assert.Contains(first.Findings, f => f.Problem == HealthProblem.DeadUnits && f.Message.StartsWith("hidden layer 1: 100 %"));
        var last = report.Epochs[^1].Health!;
        Assert.Contains(last.Findings, f => f.Problem == HealthProblem.ConstantOutputs);
        Assert.Contains(last.Findings, f => f.Problem == HealthProblem.FlatLoss);
        Assert.StartsWith("dead,const", LearningHealth.Cell(last));
        Assert.StartsWith("warning: the network is not learning (epoch 1): hidden layer 1: 100 %", LearningHealth.Warning(report.Epochs[0]));
    }

    [Fact]
    public void A_huge_initial_scale_saturates_sigmoid_outputs_under_mse_and_is_flagged()
    {
        var network = SparseNetwork.Create(Spec(OutputActivation.Sigmoid, LossKind.Mse));
        foreach (var layer in network.Layers)
            for (int i = 0; i < layer.Weights.Length; i++) layer.Weights[i] *= 100;
        var report = Fit(network);

        var health = report.Epochs[^1].Health!;
        Assert.True(report.Epochs[^1].Test!.Accuracy <= health.MajorityRate + 0.01, $"accuracy {report.Epochs[^1].Test!.Accuracy:P1}");
        Assert.True(health.SaturatedOutputs > 0.9, $"saturated {health.SaturatedOutputs:P1}");
        Assert.Contains(health.Findings, f => f.Problem == HealthProblem.SaturatedOutputs);
    }

    [Fact]
    public void The_report_keeps_the_findings_and_reports_without_them_still_load()
    {
        var network = SparseNetwork.Create(Spec());
        Array.Fill(network.Layers[0].Bias, -1e4f);
        var report = Fit(network);
        string json = report.ToJson();
        Assert.Contains("\"problem\": \"dead-units\"", json);

        var loaded = TrainingReport.FromJson(json, "test");
        Assert.Equal(report.Epochs[^1].Health!.Findings.Select(f => f.Problem), loaded.Epochs[^1].Health!.Findings.Select(f => f.Problem));
        // A version-2 report written before the checks existed has no health records.
        var old = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        foreach (var epoch in old["epochs"]!.AsArray()) epoch!.AsObject().Remove("health");
        var older = TrainingReport.FromJson(old.ToJsonString(), "old");
        Assert.All(older.Epochs, e => Assert.Null(e.Health));
    }

    [Fact]
    public void The_majority_rate_is_the_largest_class_share() =>
        Assert.Equal(0.6, LearningHealth.MajorityRate([2, 2, 1, 2, 0]));

    [Fact]
    public void The_probe_counts_units_that_never_fire_and_the_outputs_predicted()
    {
        var probe = new ActivityProbe([new(ActivationKind.PiecewiseLinear), new(ActivationKind.Sigmoid)], [3, 2], hiddenMeasured: true);
        // Feature-major blocks of a batch of 2: unit 1 fires for one sample, units 0 and 2 never.
        probe.Hidden(0, [0f, 0f, 0f, 0.5f, 0f, 0f], batch: 2, stride: 2);
        probe.Outputs([0.999f, 0.2f, 0.0001f, 0.7f], batch: 2, stride: 2);
        var activity = probe.Result();
        Assert.Equal([2.0 / 3], activity.DeadUnits!);
        Assert.Equal(2, activity.PredictedClasses);
        Assert.Equal(0.5, activity.SaturatedOutputs);
        Assert.Equal(0.999 - 0.2, activity.OutputRange, 5);
    }
}
