using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>
/// The foundation issue's COIL20 target on the real file: 1024-1000-1000-1000-20, ReLU, sigmoid output, ε = 20,
/// ζ = 0.3, batch 2, lr 0.01, momentum 0.9, weight decay 0.0002, N(0,1)/10 initialisation, per-feature
/// standardisation, seed 1, 15 epochs (about 3 s). With the reference code's output δ it must reach 98 % (the reference:
/// 98.75 % by epoch 15); with the true MSE derivative the same run must still learn (the README's table has both, over
/// ten seeds).
/// </summary>
[Trait(Lane.Category, Lane.Slow)]
public class Coil20TargetTests
{
    static double FinalAccuracy(LossKind loss)
    {
        var data = Standardizer.FitTransform(new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = Data.SharedData.Root, AllowDownload = false })
            .Load("coil20", seed: 1), StandardizationMode.PerFeature);
        var spec = new SetMlpSpec
        {
            LayerSizes = [1024, 1000, 1000, 1000, 20], OutputActivation = OutputActivation.Sigmoid, Loss = loss,
            Epsilon = 20, Zeta = 0.3, WeightInit = WeightInitKind.ReferenceNormal,
            Epochs = 15, BatchSize = 2, Optimizer = new Sgd { LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 0.0002f }, Seed = 1,
        };
        using var model = SetMlp.Create(spec, Device.Cpu);
        return model.Fit(new TrainingData(data.Train, Test: data.Test)).Epochs[^1].Test!.Accuracy!.Value;
    }

    [Fact]
    public void Reference_loss_reaches_98_percent_within_15_epochs()
    {
        double accuracy = FinalAccuracy(LossKind.MseReference);
        Assert.True(accuracy >= 0.98, $"COIL20 test accuracy after 15 epochs: {accuracy:P2} (target 98 %)");
    }
}
