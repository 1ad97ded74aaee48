using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SetGpu.Export;

namespace SetGpu.OnnxBench;

/// <summary>Samples per second of SetGpu's Predict (CPU engine) and of ONNX Runtime on the sparse and the dense export.</summary>
internal static class Throughput
{
    public static void Run(int[] layers, double epsilon, int[] batches, double seconds)
    {
        var network = BenchNetwork.Create(layers, epsilon);
        Console.WriteLine($"network: {BenchNetwork.Describe(network)}; {Environment.ProcessorCount} cores; at least {seconds} s a measurement");
        string folder = Directory.CreateTempSubdirectory("setgpu-onnx-bench-").FullName;
        try
        {
            string sparse = Path.Combine(folder, "sparse.onnx"), dense = Path.Combine(folder, "dense.onnx");
            OnnxExport.Write(network, sparse);
            OnnxExport.Write(network, dense, form: OnnxLayerForm.Dense);

            Console.WriteLine($"model files: sparse {new FileInfo(sparse).Length / 1e6:F2} MB, dense {new FileInfo(dense).Length / 1e6:F2} MB");

            using var model = SetMlp.FromNetwork(network.Clone(), Device.Cpu);
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            using var sparseSession = new InferenceSession(sparse, options);
            using var denseSession = new InferenceSession(dense, options);
            Console.WriteLine();
            Console.WriteLine("| batch | SetGpu Predict (cpu) | ONNX Runtime, sparse | ONNX Runtime, dense |");
            Console.WriteLine("|---:|---:|---:|---:|");
            foreach (int batch in batches)
            {
                var rows = BenchNetwork.Samples(batch, layers[0]);
                var matrix = new float[batch, layers[0]];
                Buffer.BlockCopy(rows, 0, matrix, 0, rows.Length * sizeof(float));
                double setgpu = Rate(batch, seconds, () => model.Predict(matrix));
                double ortSparse = Rate(batch, seconds, () => Infer(sparseSession, rows, batch, layers[0]));
                double ortDense = Rate(batch, seconds, () => Infer(denseSession, rows, batch, layers[0]));
                Console.WriteLine($"| {batch} | {setgpu:N0} | {ortSparse:N0} | {ortDense:N0} |");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static void Infer(InferenceSession session, float[] rows, int batch, int features)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(rows, [batch, features]);
        using var outputs = session.Run(new RunOptions(), [OnnxExport.InputName], [input], [OnnxExport.OutputName]);
    }

    /// <summary>Samples per second: warm-up calls for a fifth of the time, then calls until <paramref name="seconds"/> have passed.</summary>
    static double Rate(int batch, double seconds, Action call)
    {
        var warm = Stopwatch.StartNew();
        do call(); while (warm.Elapsed.TotalSeconds < seconds / 5);
        long calls = 0;
        var clock = Stopwatch.StartNew();
        do { call(); calls++; } while (clock.Elapsed.TotalSeconds < seconds);
        return calls * batch / clock.Elapsed.TotalSeconds;
    }
}
