using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Checkpoints;

/// <summary>The inference API: a network loaded from a checkpoint predicts on new, raw data on the CPU engine and every ILGPU backend.</summary>
public class SetPredictorTests
{
    [BackendTheory(Set = BackendSet.Engines)]
    public void Loaded_network_predicts_as_the_trained_model_did(string backend)
    {
        var device = Backends.Require(backend);
        var raw = Runs.Data();
        var scaling = Standardizer.Fit(raw.Train);
        var data = new DatasetSplit(scaling.Transform(raw.Train), scaling.Transform(raw.Test));
        using var dir = new TempDir();
        string path = dir.File("run.ckpt");
        Prediction expected;
        Evaluation last;
        using (var model = SetMlp.Create(Runs.Small(epochs: 3), Device.Cpu))
        {
            var report = model.Fit(data.Splits(), new FitOptions
            {
                Checkpoints = new CheckpointPolicy { Path = path, EveryEpochs = 0, Data = Runs.Identity(data), Scaling = scaling },
            });
            expected = model.Predict(data.Test);
            last = model.Evaluate(data.Test);
            Assert.Equal(report.Epochs[^1].Test!.Accuracy, last.Accuracy); // no evolution after the last epoch
        }

        using var predictor = SetPredictor.Load(path, device);
        Assert.Equal(device.ToString(), predictor.Model.Device);
        // Raw data in: the predictor standardises them as the training data were.
        var outputs = predictor.Predict(raw.Test);
        Assert.Equal((expected.Samples, expected.Columns), (outputs.Samples, outputs.Columns));
        if (device == Device.Cpu)
            Assert.Equal(expected.Values, outputs.Values); // the same engine: bit for bit
        else
            for (int i = 0; i < expected.Values.Length; i++) Assert.Equal(expected.Values[i], outputs.Values[i], 1e-4);
        Assert.Equal(expected.Classes(), outputs.Classes());
        Assert.Equal(last.Accuracy, predictor.Evaluate(raw.Test).Accuracy);

        // Unlabelled samples, as a samples × features matrix.
        var matrix = new float[raw.Test.Samples, raw.Test.FeatureCount];
        Buffer.BlockCopy(raw.Test.Features, 0, matrix, 0, raw.Test.Features.Length * sizeof(float));
        Assert.Equal(outputs.Values, predictor.Predict(matrix).Values);
        Assert.Equal(outputs[7, 2], predictor.Predict(matrix).ToArray()[7, 2]);
    }

    [Fact]
    public void Wrong_feature_count_is_an_error_naming_both_counts()
    {
        var spec = Runs.Small(epochs: 1);
        var checkpoint = new TrainingCheckpoint
        {
            Network = SparseNetwork.Create(spec),
            Report = new TrainingReport { Engine = "cpu", Device = "cpu", Dataset = "blobs", Spec = spec },
            Data = new DataIdentity { Name = "blobs", Fingerprint = "" },
        };
        using var predictor = new SetPredictor(checkpoint, Device.Cpu);
        var error = Assert.Throws<ArgumentException>(() => predictor.Predict(new float[2, 39]));
        Assert.Contains("features: 39 columns, but the model takes 40 inputs", error.Message);
    }
}
