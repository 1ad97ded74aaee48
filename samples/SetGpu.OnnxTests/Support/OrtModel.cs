using Microsoft.ML.OnnxRuntime;
using SetGpu.Export;

namespace SetGpu.OnnxTests.Support;

/// <summary>An exported model in ONNX Runtime with every graph optimisation on (ORT_ENABLE_ALL), as a service would load it.</summary>
internal sealed class OrtModel : IDisposable
{
    readonly SessionOptions _options;
    readonly InferenceSession _session;

    /// <summary>Loads <paramref name="path"/>; with <paramref name="optimizedPath"/>, ORT also writes the graph it optimised there.</summary>
    public OrtModel(string path, string? optimizedPath = null)
    {
        _options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (optimizedPath is not null) _options.OptimizedModelFilePath = optimizedPath;
        _session = new InferenceSession(path, _options);
    }

    /// <summary>The model's output for <paramref name="samples"/> raw samples of <paramref name="features"/> features (row-major).</summary>
    public float[] Run(float[] rows, int samples, int features)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(rows, [samples, features]);
        using var outputs = _session.Run(new RunOptions(), [OnnxExport.InputName], [input], [OnnxExport.OutputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The model's declared input and output shapes (-1: the open batch).</summary>
    public (int[] Input, int[] Output) Shapes =>
        (_session.InputMetadata[OnnxExport.InputName].Dimensions, _session.OutputMetadata[OnnxExport.OutputName].Dimensions);

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }
}
