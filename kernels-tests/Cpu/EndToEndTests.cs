using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.KernelsTests.Support;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>Short whole trainings on a small synthetic problem: learning, evolution, determinism.</summary>
public class EndToEndTests
{
    /// <summary>Four Gaussian blobs in 40 dimensions, 10 of them informative.</summary>
    internal static DatasetSplit Blobs(int samples = 800, int seed = 1)
    {
        var rng = new System.Random(seed);
        const int features = 40, classes = 4;
        var centres = new float[classes, 10];
        for (int c = 0; c < classes; c++) for (int f = 0; f < 10; f++) centres[c, f] = rng.Next(2) * 2 - 1;
        Dataset Make(int n, string name)
        {
            var x = new float[n * features];
            var y = new int[n];
            for (int s = 0; s < n; s++)
            {
                y[s] = s % classes;
                for (int f = 0; f < features; f++)
                {
                    double noise = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                    x[s * features + f] = (float)((f < 10 ? centres[y[s], f] : 0) + 0.8 * noise);
                }
            }
            return new Dataset(name, x, y, features, classes);
        }
        return new DatasetSplit(Make(samples, "blobs-train"), Make(samples / 4, "blobs-test"));
    }

    internal static TrainingReport Train(SetMlpSpec spec, DatasetSplit data, out SparseNetwork final)
    {
        using var model = SetMlp.Create(spec, Device.Cpu);
        var report = model.Fit(data.Splits());
        final = model.Export();
        return report;
    }

    [Theory]
    [InlineData(HiddenActivation.Relu, OutputActivation.Softmax, LossKind.CrossEntropy, 0f, 0.05f)]
    [InlineData(HiddenActivation.LeakyRelu, OutputActivation.Softmax, LossKind.CrossEntropy, 0.3f, 0.05f)]
    [InlineData(HiddenActivation.Relu, OutputActivation.Sigmoid, LossKind.Mse, 0f, 0.3f)] // sigmoid + MSE has small gradients
    [InlineData(HiddenActivation.AllRelu, OutputActivation.Softmax, LossKind.CrossEntropy, 0f, 0.05f)]
    [InlineData(HiddenActivation.SRelu, OutputActivation.Softmax, LossKind.CrossEntropy, 0.2f, 0.05f)]
    public void Set_mlp_learns_far_above_chance_while_evolving(HiddenActivation hidden, OutputActivation output, LossKind loss, float dropout, float lr)
    {
        var spec = new SetMlpSpec
        {
            LayerSizes = [40, 100, 100, 4], Epsilon = 5, HiddenActivation = hidden, OutputActivation = output, Loss = loss,
            Epochs = 5, BatchSize = 16, Optimizer = new Sgd { LearningRate = lr }, Dropout = dropout, Seed = 3,
        };
        var report = Train(spec, Blobs(), out var final);

        Assert.True(report.Epochs[^1].Test!.Accuracy > 0.85, $"test accuracy {report.Epochs[^1].Test!.Accuracy:P1} (chance 25%)");
        Assert.All(report.Epochs.SkipLast(1), e => Assert.True(e.Regrown > 0 && e.Pruned == e.Regrown, $"epoch {e.Epoch} did not evolve"));
        Assert.Equal(0, report.Epochs[^1].Regrown); // never after the last epoch
        Assert.All(report.Epochs, e => Assert.Equal(report.Epochs[0].Connections, e.Connections));
        foreach (var layer in final.Layers) layer.Validate();
    }

    [Fact]
    public void Same_seed_gives_identical_weights_and_topology()
    {
        var spec = new SetMlpSpec { LayerSizes = [40, 60, 4], Epsilon = 5, Epochs = 3, BatchSize = 8, Dropout = 0.2f, Seed = 11 };
        var data = Blobs(400);
        var a = Train(spec, data, out var netA);
        var b = Train(spec, data, out var netB);
        Assert.Equal(a.Epochs.Select(e => e.TrainLoss), b.Epochs.Select(e => e.TrainLoss));
        for (int l = 0; l < netA.Layers.Count; l++)
        {
            Assert.Equal(netA.Layers[l].Pattern.Columns, netB.Layers[l].Pattern.Columns);
            Assert.Equal(netA.Layers[l].Weights, netB.Layers[l].Weights);
        }
    }

    [Fact]
    public void Under_a_cosine_schedule_zeta_anneals_with_the_learning_rate()
    {
        var spec = new SetMlpSpec { LayerSizes = [40, 60, 4], Epsilon = 5, Epochs = 4, BatchSize = 8 };
        var constant = Train(spec, Blobs(400), out _);
        var cosine = Train(spec with { Schedule = LearningRateSchedule.Cosine }, Blobs(400), out _);
        Assert.Equal(constant.Epochs[0].Regrown, cosine.Epochs[0].Regrown); // factor 1 at the first epoch
        Assert.True(cosine.Epochs[0].Regrown > cosine.Epochs[1].Regrown && cosine.Epochs[1].Regrown > cosine.Epochs[2].Regrown,
            string.Join(", ", cosine.Epochs.Select(e => e.Regrown)));
        Assert.True(cosine.Epochs[0].Zeta > cosine.Epochs[1].Zeta && cosine.Epochs[1].LearningRate < cosine.Epochs[0].LearningRate);
        Assert.All(cosine.Epochs, e => Assert.Equal(cosine.Epochs[0].Connections, e.Connections));
    }

    [Fact]
    public void Static_sparse_never_changes_topology()
    {
        var spec = new SetMlpSpec { LayerSizes = [40, 60, 4], Epsilon = 5, Topology = TopologyKind.StaticSparse, Epochs = 3, BatchSize = 8 };
        var start = SparseNetwork.Create(spec);
        var report = Train(spec, Blobs(400), out var final);
        Assert.All(report.Epochs, e => Assert.Equal(0, e.Regrown));
        Assert.Equal(start.Layers[0].Pattern.Columns, final.Layers[0].Pattern.Columns);
    }

    [Fact]
    public void Divergence_stops_training_with_a_clear_error()
    {
        var spec = new SetMlpSpec { LayerSizes = [40, 60, 4], Epsilon = 5, Epochs = 3, BatchSize = 8, Optimizer = new Sgd { LearningRate = 1e6f, Momentum = 0.9f } };
        var ex = Assert.Throws<TrainingDivergedException>(() => Train(spec, Blobs(400), out _));
        Assert.Equal(0, ex.Epoch);
        Assert.Contains("training diverged in epoch 1", ex.Message);
        Assert.Contains("learning rate below 1000000", ex.Message);
    }
}
