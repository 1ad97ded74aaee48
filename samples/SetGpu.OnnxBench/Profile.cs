using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using SetGpu.Export;

namespace SetGpu.OnnxBench;

/// <summary>Where ONNX Runtime spends a run of an exported model: its profiler's node events, summed per operator kind.</summary>
internal static class Profile
{
    public static void Run(int[] layers, double epsilon, int batch, OnnxLayerForm form)
    {
        var network = BenchNetwork.Create(layers, epsilon);
        string path = Path.Combine(Path.GetTempPath(), $"profile-{form}.onnx");
        OnnxExport.Write(network, path, form: form);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, ProfileOutputPathPrefix = Path.Combine(Path.GetTempPath(), "ortprof") };
        options.EnableProfiling = true;
        using var session = new InferenceSession(path, options);
        var rows = BenchNetwork.Samples(batch, layers[0]);
        for (int i = 0; i < 20; i++)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(rows, [batch, layers[0]]);
            using var outputs = session.Run(new RunOptions(), [OnnxExport.InputName], [input], [OnnxExport.OutputName]);
        }
        string file = session.EndProfiling();
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var totals = new Dictionary<string, long>();
        foreach (var e in doc.RootElement.EnumerateArray())
            if (e.GetProperty("cat").GetString() == "Node" && e.TryGetProperty("args", out var a) && a.TryGetProperty("op_name", out var op))
                totals[op.GetString()!] = totals.GetValueOrDefault(op.GetString()!) + e.GetProperty("dur").GetInt64();
        foreach (var (op, us) in totals.OrderByDescending(p => p.Value)) Console.WriteLine($"{op,-20} {us / 20.0 / 1000:F2} ms a run");
        File.Delete(file);
    }
}
