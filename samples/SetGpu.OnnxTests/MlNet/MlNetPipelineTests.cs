using Microsoft.ML;
using Microsoft.ML.Data;
using SetGpu.Export;
using SetGpu.OnnxTests.Support;

namespace SetGpu.OnnxTests.MlNet;

/// <summary>
/// ML.NET 5's <c>ApplyOnnxModel</c> runs an exported model inside a pipeline (raw feature vectors in, the model's
/// outputs and then the predicted class out) and gives SetGpu's predictions, for both layer forms.
/// </summary>
public class MlNetPipelineTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    sealed class Sample
    {
        [ColumnName(OnnxExport.InputName)]
        public float[] Features { get; set; } = [];
    }

    [Theory]
    [InlineData(OnnxLayerForm.Sparse)]
    [InlineData(OnnxLayerForm.Dense)]
    public void Apply_onnx_model_in_a_pipeline_gives_setgpus_predictions(OnnxLayerForm form)
    {
        int[] sizes = [64, 80, 60, 7];
        const int samples = 50;
        var network = Networks.Random(sizes, HiddenActivation.Tanh, OutputActivation.Softmax, seed: 11);
        var (rows, scaling) = Networks.RawSamples(samples, sizes[0], seed: 12);
        string path = _dir.File("model.onnx");
        OnnxExport.Write(network, path, scaling, form);
        var expected = new Prediction(Networks.Predict(network, rows, scaling), sizes[^1]);

        var ml = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(Sample));
        schema[OnnxExport.InputName].ColumnType = new VectorDataViewType(NumberDataViewType.Single, sizes[0]);
        var data = ml.Data.LoadFromEnumerable(
            Enumerable.Range(0, samples).Select(i => new Sample { Features = rows.AsSpan(i * sizes[0], sizes[0]).ToArray() }), schema);
        var pipeline = ml.Transforms.ApplyOnnxModel(OnnxExport.OutputName, OnnxExport.InputName, path)
            .Append(ml.Transforms.CustomMapping<OutputRow, ClassRow>((o, c) => c.Class = ArgMax(o.Output), contractName: null));
        var transformed = pipeline.Fit(data).Transform(data);

        var outputs = transformed.GetColumn<float[]>(OnnxExport.OutputName).SelectMany(o => o).ToArray();
        Networks.AssertClose(expected.Values, outputs, sizes[^1]);
        Assert.Equal(expected.Classes(), transformed.GetColumn<int>(nameof(ClassRow.Class)).ToArray());
        Assert.True(expected.Classes().Distinct().Count() > 1, "every sample in one class: the comparison would prove little");
    }

    sealed class OutputRow
    {
        [ColumnName(OnnxExport.OutputName)]
        public float[] Output { get; set; } = [];
    }

    sealed class ClassRow
    {
        public int Class { get; set; }
    }

    static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
