using SetGpu.Checkpoints;
using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.KernelsTests.Cpu;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Support;

/// <summary>Small training runs on the synthetic blobs, for checkpoint, resume and inference tests.</summary>
internal static class Runs
{
    /// <summary>A run that exercises every random stream: SET evolution, dropout, a cosine schedule (ζ and the rate per epoch).</summary>
    public static (SetMlpOptions Model, TrainingOptions Training) Small(int epochs = 5) =>
        (new SetMlpOptions { LayerSizes = [40, 64, 32, 4], Epsilon = 4, Zeta = 0.3 },
         new TrainingOptions { Epochs = epochs, BatchSize = 16, LearningRate = 0.05f, Dropout = 0.2f, Schedule = LearningRateSchedule.Cosine, Seed = 9 });

    public static DatasetSplit Data() => EndToEndTests.Blobs(400, seed: 2);

    public static DataIdentity Identity(DatasetSplit data) => DataIdentity.Of(data, "blobs", 2, "none");

    public static TrainingReport NewReport(ISetEngine engine, SetMlpOptions model, TrainingOptions training) =>
        new() { Engine = engine.Name, Device = engine.Device, Dataset = "blobs", Model = model, Training = training };

    public static ISetEngine Engine(string name, SparseNetwork network, TrainingOptions training) => SetEngines.Create(name, network, training);

    /// <summary>Asserts two networks hold the same topology, weights, velocities, biases and bias velocities, bit for bit.</summary>
    public static void AssertIdentical(SparseNetwork expected, SparseNetwork actual)
    {
        Assert.Equal(expected.Seed, actual.Seed);
        Assert.Equal(expected.Layers.Count, actual.Layers.Count);
        for (int l = 0; l < expected.Layers.Count; l++)
        {
            var a = expected.Layers[l];
            var b = actual.Layers[l];
            Assert.Equal(a.Pattern.Offsets, b.Pattern.Offsets);
            Assert.Equal(a.Pattern.Columns, b.Pattern.Columns);
            Assert.Equal(Bits(a.Weights), Bits(b.Weights));
            Assert.Equal(Bits(a.WeightVelocity), Bits(b.WeightVelocity));
            Assert.Equal(Bits(a.Bias), Bits(b.Bias));
            Assert.Equal(Bits(a.BiasVelocity), Bits(b.BiasVelocity));
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
            Assert.Equal(BitConverter.DoubleToInt64Bits(a.TestLoss), BitConverter.DoubleToInt64Bits(b.TestLoss));
            Assert.Equal(BitConverter.DoubleToInt64Bits(a.TestAccuracy), BitConverter.DoubleToInt64Bits(b.TestAccuracy));
            Assert.Equal(a.Rewired, b.Rewired);
            Assert.Equal(a.LayerConnections, b.LayerConnections);
            Assert.Equal(a.InputConnections, b.InputConnections);
        }
    }

    static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
