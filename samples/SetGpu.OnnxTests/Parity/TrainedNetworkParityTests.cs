using SetGpu.Data;
using SetGpu.Export;
using SetGpu.OnnxTests.Support;

namespace SetGpu.OnnxTests.Parity;

/// <summary>
/// Networks trained for two epochs on real COIL20 and MNIST (from the shared data folder), exported with the run's
/// standardisation: ONNX Runtime on raw test samples gives SetGpu's Predict within 1e-5 and the same classes.
/// </summary>
public class TrainedNetworkParityTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, OnnxLayerForm> Datasets() => new()
    {
        { "coil20", OnnxLayerForm.Sparse }, { "coil20", OnnxLayerForm.Dense }, { "mnist", OnnxLayerForm.Sparse }, { "mnist", OnnxLayerForm.Dense },
    };

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Onnx_runtime_on_raw_test_samples_gives_setgpus_predictions(string dataset, OnnxLayerForm form)
    {
        var raw = SharedData.Load(dataset);
        // MNIST: a 3000-sample part of its training set keeps the two epochs to seconds.
        var train = dataset == "mnist" ? raw.Train.Subset(Enumerable.Range(0, 3000).ToArray()) : raw.Train;
        var scaling = Standardizer.Fit(train);
        var spec = dataset == "coil20"
            // COIL20's reference settings, narrower: sigmoid outputs with the reference MSE.
            ? new SetMlpSpec { LayerSizes = [1024, 300, 300, 20], OutputActivation = OutputActivation.Sigmoid, Loss = LossKind.MseReference,
                               Epochs = 2, Seed = 1, Optimizer = new Sgd { LearningRate = 0.01f } }
            : new SetMlpSpec { LayerSizes = [784, 300, 300, 10], HiddenActivation = HiddenActivation.AllRelu, Epochs = 2, Seed = 1 };
        using var model = SetMlp.Create(spec, Device.Cpu);
        model.Fit(scaling.Transform(train));
        string path = _dir.File($"{dataset}.onnx");
        OnnxExport.Write(model.Export(), path, scaling, form);

        var test = raw.Test.Subset(Enumerable.Range(0, 300).ToArray());
        var expected = model.Predict(scaling.Transform(test));
        using var ort = new OrtModel(path);
        var actual = ort.Run(test.Features, test.Samples, test.FeatureCount);
        Networks.AssertClose(expected.Values, actual, expected.Columns);
        Assert.Equal(expected.Classes(), new Prediction(actual, expected.Columns).Classes());
        // Trained, not random: well above chance on these test samples.
        double accuracy = expected.Classes().Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Samples;
        Assert.True(accuracy > 0.5, $"{dataset}: accuracy {accuracy:P1} after two epochs");
    }
}
