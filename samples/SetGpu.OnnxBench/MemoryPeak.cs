using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SetGpu.Export;

namespace SetGpu.OnnxBench;

/// <summary>
/// ONNX Runtime's peak resident memory (VmHWM, reset through /proc/self/clear_refs once the network is built and
/// exported) loading and running the sparse export of a large network: it grows with the connections, far from the
/// size of the layers dense.
/// </summary>
internal static class MemoryPeak
{
    public static void Run(int[] layers, double epsilon, int batch)
    {
        var clock = Stopwatch.StartNew();
        var network = BenchNetwork.Create(layers, epsilon);
        Console.WriteLine($"network: {BenchNetwork.Describe(network)}, {network.Spec.LayerSizes.Sum():N0} neurons; built in {clock.Elapsed.TotalSeconds:F1} s");
        string folder = Directory.CreateTempSubdirectory("setgpu-onnx-memory-").FullName;
        try
        {
            string path = Path.Combine(folder, "sparse.onnx");
            clock.Restart();
            var files = OnnxExport.Write(network, path);
            long bytes = files.Sum(f => new FileInfo(f).Length);
            Console.WriteLine($"exported in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(" + ", files.Select(Path.GetFileName))}, {bytes / 1e6:F0} MB");
            var rows = BenchNetwork.Samples(batch, layers[0]);
            network = null;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            File.WriteAllText("/proc/self/clear_refs", "5");
            long before = Status("VmRSS:");

            clock.Restart();
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            using var session = new InferenceSession(path, options);
            double load = clock.Elapsed.TotalSeconds;
            clock.Restart();
            using var input = OrtValue.CreateTensorValueFromMemory(rows, [batch, layers[0]]);
            using (session.Run(new RunOptions(), [OnnxExport.InputName], [input], [OnnxExport.OutputName])) { }
            double run = clock.Elapsed.TotalSeconds;
            long peak = Status("VmHWM:");
            double dense = layers.Zip(layers.Skip(1)).Sum(p => 4.0 * p.First * p.Second);
            Console.WriteLine($"ONNX Runtime: loaded in {load:F1} s, batch {batch} in {run:F2} s; peak resident memory +{(peak - before) / 1e6:F0} MB "
                              + $"(process {peak / 1e6:F0} MB); the layers' weights dense would be {dense / 1e9:F0} GB");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static long Status(string field)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
    }
}
