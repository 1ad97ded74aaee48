using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.RbmFeatures;

/// <summary>
/// Softmax regression (one dense layer, cross-entropy) on a feature split, trained with SetGpu's own CPU engine:
/// how linearly separable the classes are in those features.
/// </summary>
internal static class FeatureClassifier
{
    /// <summary>Test accuracy after <paramref name="epochs"/> epochs on standardised features.</summary>
    public static double TestAccuracy(DatasetSplit features, int epochs, ulong seed)
    {
        var data = Standardizer.FitTransform(features, StandardizationMode.PerFeature);
        var model = new SetMlpOptions
        {
            LayerSizes = [data.Train.FeatureCount, data.Train.Classes],
            Topology = TopologyKind.Dense,
            OutputActivation = OutputActivation.Softmax,
            Loss = LossKind.CrossEntropy,
        };
        var training = new TrainingOptions { Epochs = epochs, BatchSize = 16, LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 1e-4f, Seed = seed };
        using var engine = new CpuEngine(SparseNetwork.Create(model, seed), training);
        var report = new TrainingReport { Engine = engine.Name, Device = engine.Device, Dataset = data.Train.Name, Model = model, Training = training };
        SetTrainer.Train(engine, data, training, report);
        return report.Epochs[^1].TestAccuracy;
    }

    /// <summary>A split whose samples are <paramref name="train"/> and <paramref name="test"/> feature rows, labels from <paramref name="labels"/>.</summary>
    public static DatasetSplit Split(DatasetSplit labels, float[] train, float[] test, int features, string name) => new(
        new Dataset(name + " [train]", train, labels.Train.Labels, features, labels.Train.Classes),
        new Dataset(name + " [test]", test, labels.Test.Labels, features, labels.Test.Classes));
}
