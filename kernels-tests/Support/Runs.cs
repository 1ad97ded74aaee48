using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.KernelsTests.Cpu;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Support;

/// <summary>Small training runs on the synthetic blobs, for checkpoint, resume and inference tests.</summary>
internal static class Runs
{
    /// <summary>A run that exercises every random stream: SET evolution, dropout, a cosine schedule (ζ and the rate per epoch).</summary>
    public static SetMlpSpec Small(int epochs = 5) => new()
    {
        LayerSizes = [40, 64, 32, 4], Epsilon = 4, Zeta = 0.3,
        Epochs = epochs, BatchSize = 16, Optimizer = new Sgd { LearningRate = 0.05f }, Dropout = 0.2f, Schedule = LearningRateSchedule.Cosine, Seed = 9,
    };

    /// <summary>
    /// <see cref="Small"/> with another optimiser or activation: <c>adam</c>, <c>adamw-srelu</c> (AdamW with SReLU),
    /// <c>sgd-srelu</c>, <c>linear-zero-regrowth</c> (a linear output under MSE, regrowing at 0).
    /// </summary>
    public static SetMlpSpec Small(string variant, int epochs) => variant switch
    {
        "adam" => Small(epochs) with { Optimizer = new Adam { LearningRate = 0.005f, WeightDecay = 1e-4f } },
        "adamw-srelu" => Small(epochs) with { Optimizer = new AdamW { LearningRate = 0.005f }, HiddenActivation = HiddenActivation.SRelu },
        "sgd-srelu" => Small(epochs) with { HiddenActivation = HiddenActivation.SRelu },
        "linear-zero-regrowth" => Small(epochs) with
        {
            OutputActivation = OutputActivation.Linear, Loss = LossKind.Mse, WeightInit = WeightInitKind.ReferenceNormal, Regrowth = RegrowthValues.Zero,
        },
        _ => throw new ArgumentException($"no run variant '{variant}'", nameof(variant)),
    };

    public static DatasetSplit Data() => EndToEndTests.Blobs(400, seed: 2);

    public static DataIdentity Identity(DatasetSplit data) => DataIdentity.Of(data, "blobs", 2, "none");

    /// <summary>Asserts two networks hold the same topology, weights, biases, activation parameters and every optimiser state array, bit for bit.</summary>
    public static void AssertIdentical(SparseNetwork expected, SparseNetwork actual)
    {
        Assert.Equal(expected.Spec, actual.Spec);
        Assert.Equal(expected.Layers.Count, actual.Layers.Count);
        for (int l = 0; l < expected.Layers.Count; l++)
        {
            var a = expected.Layers[l];
            var b = actual.Layers[l];
            Assert.Equal(a.Pattern.Offsets, b.Pattern.Offsets);
            Assert.Equal(a.Pattern.Columns, b.Pattern.Columns);
            Assert.Equal(Bits(a.Weights), Bits(b.Weights));
            Assert.Equal(Bits(a.Bias), Bits(b.Bias));
            Assert.Equal(a.StateArrays, b.StateArrays);
            for (int s = 0; s < a.StateArrays; s++)
            {
                Assert.Equal(Bits(a.WeightState[s]), Bits(b.WeightState[s]));
                Assert.Equal(Bits(a.BiasState[s]), Bits(b.BiasState[s]));
                Assert.Equal(Bits(a.ActivationState[s]), Bits(b.ActivationState[s]));
            }
            Assert.Equal(a.ActivationParameters is null, b.ActivationParameters is null);
            if (a.ActivationParameters is { } parameters) Assert.Equal(Bits(parameters), Bits(b.ActivationParameters!));
            Assert.Equal(a.Activation, b.Activation);
            Assert.Equal(a.Init, b.Init);
        }
    }

    /// <summary>The metrics of every epoch (not the timings), bit for bit.</summary>
    public static void AssertSameMetrics(TrainingReport expected, TrainingReport actual)
    {
        Assert.Equal(expected.Epochs.Count, actual.Epochs.Count);
        for (int e = 0; e < expected.Epochs.Count; e++)
        {
            var a = expected.Epochs[e];
            var b = actual.Epochs[e];
            Assert.Equal(a.Epoch, b.Epoch);
            Assert.Equal(BitConverter.DoubleToInt64Bits(a.TrainLoss), BitConverter.DoubleToInt64Bits(b.TrainLoss));
            AssertSameMetrics(a.Test, b.Test);
            AssertSameMetrics(a.Validation, b.Validation);
            AssertSameMetrics(a.TrainSubset, b.TrainSubset);
            Assert.Equal(a.Pruned, b.Pruned);
            Assert.Equal(a.Regrown, b.Regrown);
            Assert.Equal(a.LayerConnections, b.LayerConnections);
            Assert.Equal(a.InputConnections, b.InputConnections);
        }
    }

    static void AssertSameMetrics(Metrics? a, Metrics? b)
    {
        Assert.Equal(a is null, b is null);
        if (a is null || b is null) return;
        Assert.Equal(BitConverter.DoubleToInt64Bits(a.Loss), BitConverter.DoubleToInt64Bits(b.Loss));
        Assert.Equal(a.Accuracy, b.Accuracy);
        Assert.Equal(a.FreeEnergy, b.FreeEnergy); // double equality: equal bits but for NaN, which never occurs here
        Assert.Equal(a.Samples, b.Samples);
    }

    /// <summary>Asserts two RBMs hold the same topology, weights, biases, optimiser state and chains, bit for bit.</summary>
    public static void AssertIdentical(SetGpu.Rbm.SparseRbm expected, SetGpu.Rbm.SparseRbm actual)
    {
        Assert.Equal(expected.Spec, actual.Spec);
        AssertIdentical(new SparseNetwork(Mlp(expected), [expected.Weights]), new SparseNetwork(Mlp(actual), [actual.Weights]));
        Assert.Equal(Bits(expected.VisibleBias), Bits(actual.VisibleBias));
        Assert.Equal(Bits(expected.VisibleBiasVelocity), Bits(actual.VisibleBiasVelocity));
        Assert.Equal(expected.PersistentChains is null, actual.PersistentChains is null);
        if (expected.PersistentChains is { } chains) Assert.Equal(Bits(chains), Bits(actual.PersistentChains!));
    }

    /// <summary>A one-layer MLP specification of an RBM's shape, only to compare its layer with <see cref="AssertIdentical(SparseNetwork, SparseNetwork)"/>.</summary>
    static SetMlpSpec Mlp(SetGpu.Rbm.SparseRbm rbm) => new() { LayerSizes = [rbm.Visible, rbm.Hidden], OutputActivation = OutputActivation.Sigmoid, Loss = LossKind.Mse };

    static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
