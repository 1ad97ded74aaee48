using SetGpu.KernelsTests.Support;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>
/// The run loop seen through <c>Fit</c>: the validation split makes the choices and the test split is only reported,
/// early stopping, bad data, and a Fit that continues the run.
/// </summary>
public class FitTests
{
    static SetMlpSpec Spec(int epochs = 6, int patience = 0) => new()
    {
        LayerSizes = [40, 60, 4], Epsilon = 5, Epochs = epochs, BatchSize = 16, Patience = patience, Seed = 3,
        Optimizer = new Sgd { LearningRate = 0.05f },
    };

    [Fact]
    public void The_best_epoch_is_chosen_on_validation_and_the_test_split_is_only_reported()
    {
        var split = EndToEndTests.Blobs(400, seed: 5);
        var data = TrainingData.From(split, validationFraction: 0.25, seed: 2);
        Assert.Equal(300, data.Train.Samples);
        Assert.Equal(100, data.Validation!.Samples);
        Assert.Equal(25, data.Validation.ClassCounts()[0]); // stratified
        using var model = SetMlp.Create(Spec(), Device.Cpu);
        var report = model.Fit(data);

        var losses = report.Epochs.Select(e => e.Validation!.Loss).ToArray();
        Assert.Equal(Array.IndexOf(losses, losses.Min()), report.BestEpoch);
        Assert.All(report.Epochs, e => Assert.NotNull(e.Test));
        Assert.Equal((300, 100, 100), (report.TrainSamples, report.ValidationSamples, report.TestSamples));
        // The same run without the test split makes the same choices and trains the same weights.
        using var untested = SetMlp.Create(Spec(), Device.Cpu);
        var blind = untested.Fit(data with { Test = null });
        Assert.Equal(report.BestEpoch, blind.BestEpoch);
        Assert.All(blind.Epochs, e => Assert.Null(e.Test));
        Assert.Equal(model.Export().Layers[0].Weights, untested.Export().Layers[0].Weights);
    }

    [Fact]
    public void Early_stopping_ends_the_run_after_patience_epochs_without_a_better_validation_loss()
    {
        // A learning rate this high overfits the small training split within a few epochs.
        var spec = Spec(epochs: 40, patience: 2) with { Optimizer = new Sgd { LearningRate = 0.3f } };
        var data = TrainingData.From(EndToEndTests.Blobs(200, seed: 5), validationFraction: 0.5, seed: 2);
        using var model = SetMlp.Create(spec, Device.Cpu);
        var report = model.Fit(data);
        Assert.True(report.StoppedEarly, $"ran all {report.Epochs.Count} epochs; validation losses {string.Join(", ", report.Epochs.Select(e => $"{e.Validation!.Loss:F3}"))}");
        Assert.True(report.IsComplete);
        Assert.Equal(report.BestEpoch + spec.Patience + 1, report.Epochs.Count);
        Assert.All(report.Epochs.Skip(report.BestEpoch!.Value + 1), e => Assert.True(e.Validation!.Loss >= report.Epochs[report.BestEpoch.Value].Validation!.Loss));
        Assert.Same(report, model.Fit(data)); // nothing left to train
        Assert.Equal(report.BestEpoch + spec.Patience + 1, report.Epochs.Count);
    }

    [Fact]
    public void Patience_without_a_validation_split_is_refused_by_its_field()
    {
        using var model = SetMlp.Create(Spec(patience: 3), Device.Cpu);
        var error = Assert.Throws<InvalidSpecException>(() => model.Fit(EndToEndTests.Blobs(100).Train));
        Assert.Equal("Patience", error.Field);
        Assert.Empty(model.History.Epochs);
    }

    [Fact]
    public void Data_that_do_not_fit_the_network_are_refused_naming_the_dataset()
    {
        using var model = SetMlp.Create(Spec() with { LayerSizes = [39, 60, 4] }, Device.Cpu);
        var error = Assert.Throws<ArgumentException>(() => model.Fit(EndToEndTests.Blobs(100).Train));
        Assert.Contains("blobs-train: 40 features, but the network has 39 inputs", error.Message);
    }

    [Fact]
    public void Fit_in_parts_equals_fit_at_once()
    {
        var data = EndToEndTests.Blobs(200, seed: 5).Splits();
        using var whole = SetMlp.Create(Spec(epochs: 4), Device.Cpu);
        whole.Fit(data);
        using var parts = SetMlp.Create(Spec(epochs: 4), Device.Cpu);
        var epochs = new List<int>();
        var progress = new Checkpoints.OnReport<EpochRecord>(r => epochs.Add(r.Epoch));
        parts.Fit(data, new FitOptions { MaxEpochs = 1, Progress = progress });
        parts.Fit(data, new FitOptions { MaxEpochs = 2, Progress = progress });
        parts.Fit(data, new FitOptions { Progress = progress });
        Assert.Equal([0, 1, 2, 3], epochs);
        Runs.AssertSameMetrics(whole.History, parts.History);
        Runs.AssertIdentical(whole.Export(), parts.Export());
    }
}
