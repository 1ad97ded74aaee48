using SetGpu.Checkpoints;
using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Checkpoints;

/// <summary>The inference API: a network loaded from a checkpoint predicts on new, raw data on any engine.</summary>
public class SetPredictorTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData("ilgpu-cpu")]
    public void Loaded_network_predicts_as_the_trained_engine_did(string engineName)
    {
        var (model, training) = Runs.Small(epochs: 3);
        var raw = Runs.Data();
        var scaling = Standardizer.Fit(raw.Train);
        var data = new DatasetSplit(scaling.Transform(raw.Train), scaling.Transform(raw.Test));
        using var dir = new TempDir();
        string path = dir.File("run.ckpt");
        float[] expected;
        Evaluation last;
        using (var engine = new CpuEngine(SparseNetwork.Create(model, training.Seed), training))
        {
            var report = CheckpointingTrainer.Train(engine, data, Runs.NewReport(engine, model, training),
                new CheckpointOptions { Path = path, EveryEpochs = 0 }, Runs.Identity(data), scaling);
            expected = engine.Predict(data.Test);
            last = engine.Evaluate(data.Test);
            Assert.Equal(report.Epochs[^1].TestAccuracy, last.Accuracy); // no evolution after the last epoch
        }

        using var predictor = SetPredictor.Load(path, engineName);
        Assert.Equal(engineName, predictor.Engine.Name);
        // Raw data in: the predictor standardises them as the training data were.
        var outputs = predictor.Predict(raw.Test);
        Assert.Equal(expected.Length, outputs.Length);
        if (engineName == "cpu")
            Assert.Equal(expected, outputs); // the same engine: bit for bit
        else
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], outputs[i], 1e-4);
        Assert.Equal(SetPredictor.ArgMax(expected, predictor.Outputs), predictor.Classify(raw.Test));
        Assert.Equal(last.Accuracy, predictor.Evaluate(raw.Test).Accuracy);

        // Unlabelled samples, as a flat array.
        var flat = predictor.Predict(raw.Test.Features);
        Assert.Equal(outputs, flat);
    }

    [Fact]
    public void Wrong_feature_count_is_an_error_naming_both_counts()
    {
        var (model, training) = Runs.Small(epochs: 1);
        var checkpoint = new TrainingCheckpoint
        {
            Network = SparseNetwork.Create(model, training.Seed),
            Report = new TrainingReport { Engine = "cpu", Device = "cpu", Dataset = "blobs", Model = model, Training = training },
            Data = new DataIdentity { Name = "blobs", Fingerprint = "" },
        };
        using var predictor = new SetPredictor(checkpoint);
        var error = Assert.Throws<ArgumentException>(() => predictor.Predict(new float[39 * 2]));
        Assert.Contains("not a whole number of samples of 40 features", error.Message);
    }
}
