using SetGpu.Sparse;
using System.Diagnostics;
using SetGpu.Cpu;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Bench;

/// <summary>Times each CPU kernel on one layer, in nanoseconds per connection and sample.</summary>
internal static class KernelTimes
{
    public static void Run(int inputs, int outputs, double epsilon, int batch, int reps)
    {
        var network = SparseNetwork.Create(new SetMlpOptions { LayerSizes = [inputs, outputs, outputs], Epsilon = epsilon, OutputActivation = OutputActivation.Linear, Loss = LossKind.Mse }, 1);
        var layer = network.Layers[1];
        var rng = new Random(1);
        float[] Block(int rows) => Enumerable.Range(0, rows * batch).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var x = Block(outputs);
        var z = new float[outputs * batch];
        var a = new float[outputs * batch];
        var dOut = Block(outputs);
        var dIn = new float[outputs * batch];
        var incoming = IncomingIndex.Build(layer.Pattern, outputs);
        var opts = new TrainingOptions();
        void Time(string name, Action body)
        {
            for (int i = 0; i < Math.Max(3, reps / 10); i++) body();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) body();
            double ns = clock.Elapsed.TotalNanoseconds / reps;
            Console.WriteLine($"{name,-10} {ns / 1000,9:F1} us/call  {ns / layer.Connections / batch,6:F3} ns per connection·sample");
        }
        Console.WriteLine($"layer {outputs}x{outputs}, {layer.Connections:N0} connections, batch {batch}, {Environment.ProcessorCount} threads");
        Time("forward", () => SparseForward.Run(layer, incoming, x, z, a, batch, null));
        Time("backward", () => BackwardUpdate.Run(layer, dOut, x, x, layer.Activation, dIn, batch, null, opts));
        Time("update", () => BackwardUpdate.Run(layer, dOut, x, null, default, null, batch, null, opts));
    }
}
