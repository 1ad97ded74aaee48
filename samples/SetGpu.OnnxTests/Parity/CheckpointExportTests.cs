using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Export;
using SetGpu.OnnxTests.Support;

namespace SetGpu.OnnxTests.Parity;

/// <summary>
/// What <c>export --format onnx</c> does, end to end: a saved model with its standardisation, loaded back and exported,
/// runs in ONNX Runtime like <see cref="SetPredictor"/> on raw samples, at any batch size, with its weights inline or
/// in an external data file.
/// </summary>
public class CheckpointExportTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(OnnxLayerForm.Sparse, false)]
    [InlineData(OnnxLayerForm.Sparse, true)]
    [InlineData(OnnxLayerForm.Dense, true)]
    public void Saved_model_exported_runs_like_the_predictor_at_every_batch_size(OnnxLayerForm form, bool externalData)
    {
        var raw = SharedData.Load("coil20");
        var scaling = Standardizer.Fit(raw.Train);
        var spec = new SetMlpSpec { LayerSizes = [1024, 200, 150, 20], HiddenActivation = HiddenActivation.SRelu, Epochs = 2, Seed = 4 };
        string checkpoint = _dir.File("coil20.ckpt");
        using (var model = SetMlp.Create(spec, Device.Cpu))
        {
            model.Fit(scaling.Transform(raw.Train));
            model.Save(checkpoint, scaling);
        }

        var loaded = TrainingCheckpoint.Load(checkpoint);
        string path = _dir.File("coil20.onnx");
        var files = OnnxExport.Write(loaded.Network!, path, loaded.Scaling, form, inlineLimit: externalData ? 4096 : long.MaxValue);
        Assert.Equal(externalData ? 2 : 1, files.Count);

        using var predictor = SetPredictor.Load(checkpoint, Device.Cpu);
        using var ort = new OrtModel(path);
        // The batch is left open (-1): one session serves any batch size.
        Assert.Equal([-1, 1024], ort.Shapes.Input);
        Assert.Equal([-1, 20], ort.Shapes.Output);
        foreach (int batch in new[] { 1, 17, 120 })
        {
            var samples = raw.Test.Subset(Enumerable.Range(3, batch).ToArray());
            var matrix = new float[batch, 1024];
            Buffer.BlockCopy(samples.Features, 0, matrix, 0, samples.Features.Length * sizeof(float));
            var expected = predictor.Predict(matrix);
            Networks.AssertClose(expected.Values, ort.Run(samples.Features, batch, 1024), 20);
        }
    }
}
