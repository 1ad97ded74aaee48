using SetGpu.Export;
using SetGpu.OnnxTests.Support;

namespace SetGpu.OnnxTests.Parity;

/// <summary>
/// ONNX Runtime (ORT_ENABLE_ALL) on an exported model gives SetGpu's own Predict within 1e-5, for every hidden
/// activation, every output kind and both layer forms, with the input standardisation in the graph.
/// </summary>
public class ActivationParityTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    public static TheoryData<HiddenActivation, OutputActivation, OnnxLayerForm> Kinds()
    {
        var data = new TheoryData<HiddenActivation, OutputActivation, OnnxLayerForm>();
        foreach (var hidden in Enum.GetValues<HiddenActivation>())
            foreach (var output in Enum.GetValues<OutputActivation>())
                foreach (var form in Enum.GetValues<OnnxLayerForm>())
                    data.Add(hidden, output, form);
        return data;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Onnx_runtime_gives_setgpus_outputs(HiddenActivation hidden, OutputActivation output, OnnxLayerForm form)
    {
        int[] sizes = [30, 40, 35, 6];
        var network = Networks.Random(sizes, hidden, output, seed: 3 + (int)hidden * 7 + (int)output);
        var (rows, scaling) = Networks.RawSamples(samples: 33, sizes[0], seed: 5);
        string path = _dir.File("model.onnx");
        OnnxExport.Write(network, path, scaling, form);

        var expected = Networks.Predict(network, rows, scaling);
        using var ort = new OrtModel(path);
        var actual = ort.Run(rows, 33, sizes[0]);
        Networks.AssertClose(expected, actual, sizes[^1]);
        // The outputs move with the inputs: a model that ignored them (or a constant graph) fails here.
        Assert.True(expected.Distinct().Count() > sizes[^1], "the network's outputs hardly vary; the comparison would prove little");
    }
}
