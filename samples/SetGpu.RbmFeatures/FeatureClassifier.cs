using SetGpu.Data;

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
        var spec = new SetMlpSpec
        {
            LayerSizes = [data.Train.FeatureCount, data.Train.Classes],
            Topology = TopologyKind.Dense,
            OutputActivation = OutputActivation.Softmax,
            Loss = LossKind.CrossEntropy,
            Epochs = epochs, BatchSize = 16, Seed = seed,
            Optimizer = new Sgd { LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 1e-4f },
        };
        using var model = SetMlp.Create(spec, Device.Cpu);
        model.Fit(data.Train);
        return model.Evaluate(data.Test).Accuracy;
    }

    /// <summary>A split whose samples are <paramref name="train"/> and <paramref name="test"/> feature rows, labels from <paramref name="labels"/>.</summary>
    public static DatasetSplit Split(DatasetSplit labels, float[] train, float[] test, int features, string name) => new(
        new Dataset(name + " [train]", train, labels.Train.Labels, features, labels.Train.Classes),
        new Dataset(name + " [test]", test, labels.Test.Labels, features, labels.Test.Classes));
}
