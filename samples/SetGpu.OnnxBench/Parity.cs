using Microsoft.ML.OnnxRuntime;
using SetGpu.Data;
using SetGpu.Export;
using SetGpu.Model;

namespace SetGpu.OnnxBench;

/// <summary>
/// The largest difference between ONNX Runtime's outputs and SetGpu's Predict, for every hidden activation, output
/// kind and layer form, on random networks with random biases (and SReLU parameters) and standardised raw samples.
/// </summary>
internal static class Parity
{
    public static void Run(int[] layers, int samples)
    {
        Console.WriteLine($"network {string.Join('-', layers)}, {samples} raw samples, standardisation in the graph; ONNX Runtime with ORT_ENABLE_ALL");
        Console.WriteLine();
        Console.WriteLine("| hidden | output | sparse: max difference | dense: max difference | classes agree |");
        Console.WriteLine("|---|---|---:|---:|---|");
        string folder = Directory.CreateTempSubdirectory("setgpu-onnx-parity-").FullName;
        try
        {
            var rng = new Random(5);
            var mean = Enumerable.Range(0, layers[0]).Select(_ => rng.NextSingle() * 10 - 5).ToArray();
            var std = Enumerable.Range(0, layers[0]).Select(_ => rng.NextSingle() * 3 + 0.2f).ToArray();
            var scaling = Standardizer.FromStatistics(mean, std);
            var rows = new float[samples * layers[0]];
            for (int i = 0; i < rows.Length; i++) rows[i] = mean[i % layers[0]] + std[i % layers[0]] * (rng.NextSingle() * 4 - 2);
            var data = new Dataset("raw", rows, new int[samples], layers[0], Math.Max(2, layers[^1]));
            foreach (var hidden in Enum.GetValues<HiddenActivation>())
                foreach (var output in Enum.GetValues<OutputActivation>())
                {
                    var network = Network(layers, hidden, output, rng);
                    using var model = SetMlp.FromNetwork(network.Clone(), Device.Cpu);
                    var expected = model.Predict(scaling.Transform(data));
                    var differences = new List<double>();
                    bool classesAgree = true;
                    foreach (var form in Enum.GetValues<OnnxLayerForm>())
                    {
                        string path = Path.Combine(folder, $"{form}.onnx");
                        OnnxExport.Write(network, path, scaling, form);
                        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
                        using var session = new InferenceSession(path, options);
                        using var input = OrtValue.CreateTensorValueFromMemory(rows, [samples, layers[0]]);
                        using var result = session.Run(new RunOptions(), [OnnxExport.InputName], [input], [OnnxExport.OutputName]);
                        var actual = result[0].GetTensorDataAsSpan<float>().ToArray();
                        differences.Add(expected.Values.Zip(actual).Max(p => Math.Abs((double)p.First - p.Second)));
                        classesAgree &= expected.Classes().SequenceEqual(new Prediction(actual, layers[^1]).Classes());
                    }
                    Console.WriteLine($"| {hidden} | {output} | {differences[0]:E1} | {differences[1]:E1} | {(classesAgree ? "yes" : "NO")} |");
                }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static SparseNetwork Network(int[] layers, HiddenActivation hidden, OutputActivation output, Random rng)
    {
        var network = SparseNetwork.Create(new SetMlpSpec
        {
            LayerSizes = layers, HiddenActivation = hidden, OutputActivation = output, Epsilon = 10, Seed = (ulong)rng.Next(),
            Loss = output == OutputActivation.Softmax ? LossKind.CrossEntropy : LossKind.Mse,
        });
        foreach (var layer in network.Layers)
        {
            for (int j = 0; j < layer.Outputs; j++) layer.Bias[j] = rng.NextSingle() - 0.5f;
            if (layer.ActivationParameters is not { } p) continue;
            int n = layer.Outputs;
            for (int j = 0; j < n; j++)
            {
                p[SReluParameters.LeftThreshold * n + j] = -rng.NextSingle();
                p[SReluParameters.LeftSlope * n + j] = rng.NextSingle();
                p[SReluParameters.RightThreshold * n + j] = rng.NextSingle();
                p[SReluParameters.RightSlope * n + j] = 2 * rng.NextSingle();
            }
        }
        return network;
    }
}
