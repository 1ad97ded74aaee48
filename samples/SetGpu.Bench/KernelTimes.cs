using SetGpu.Sparse;
using System.Diagnostics;
using SetGpu.Cpu;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Bench;

/// <summary>
/// Times each CPU kernel on one layer and sets it against the bandwidth model: the bytes it must move, the rate it
/// reached, the fraction of this machine's measured memory bandwidth, and the time the same bytes take on a GPU.
/// </summary>
internal static class KernelTimes
{
    public static void Run(int inputs, int outputs, double epsilon, int batch, int reps)
    {
        var network = SparseNetwork.Create(new SetMlpOptions { LayerSizes = [inputs, outputs, outputs], Epsilon = epsilon, OutputActivation = OutputActivation.Linear, Loss = LossKind.Mse }, 1);
        var layer = network.Layers[1];
        var rng = new Random(1);
        bool huge = Environment.GetEnvironmentVariable("SETGPU_HUGE_PAGES") != "0";
        float[] Zeros(long n) => huge ? HugePages.Allocate(n) : new float[n];
        float[] Block(int rows)
        {
            var block = Zeros((long)rows * batch); // as the engine allocates its blocks
            for (int i = 0; i < block.Length; i++) block[i] = (float)(rng.NextDouble() - 0.5);
            return block;
        }
        var x = Block(outputs);
        var z = Zeros(outputs * batch);
        var a = Zeros(outputs * batch);
        var dOut = Block(outputs);
        var dIn = Zeros(outputs * batch);
        var incoming = IncomingIndex.Build(layer.Pattern, outputs);
        var opts = new TrainingOptions();
        double hostBandwidth = BandwidthModel.MeasureHostBandwidth();
        const double gpuBandwidth = 3.35e12; // H100 SXM HBM3, bytes per second
        long nnz = layer.Connections;
        var fractions = new List<double>();
        void Time(string name, long bytes, Action body)
        {
            for (int i = 0; i < Math.Max(3, reps / 10); i++) body();
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) body();
            double seconds = clock.Elapsed.TotalSeconds / reps, rate = bytes / seconds;
            fractions.Add(rate / hostBandwidth);
            Console.WriteLine($"{name,-16} {seconds * 1e6,9:F1} us  {bytes / 1e6,8:F2} MB  {rate / 1e9,6:F1} GB/s  " +
                              $"{rate / hostBandwidth,6:P0} of host  GPU model {bytes / gpuBandwidth * 1e6,7:F2} us");
        }
        Console.WriteLine($"layer {outputs}x{outputs}, {nnz:N0} connections, batch {batch}, {Environment.ProcessorCount} threads; " +
                          $"measured host bandwidth {hostBandwidth / 1e9:F1} GB/s (parallel copy); GPU model at {gpuBandwidth / 1e12:F2} TB/s");
        Time("forward gather", BandwidthModel.Forward(outputs, outputs, nnz, batch), () => SpmmForwardGather.Run(layer, incoming, x, z, a, batch, null));
        if (batch <= SpmmForwardScatter.MaxBatch)
        {
            var partials = Zeros(SpmmForwardScatter.PartialLength(outputs, batch));
            Time("forward scatter", BandwidthModel.SpmmForwardScatter(outputs, outputs, nnz, batch), () => SpmmForwardScatter.Run(layer, x, z, a, batch, null, partials));
        }
        Time("backward+update", BandwidthModel.SpmmBackwardUpdate(outputs, outputs, nnz, batch), () => SpmmBackwardUpdate.Run(layer, dOut, x, x, layer.Activation, dIn, batch, null, opts));
        Time("update", BandwidthModel.Update(outputs, outputs, nnz, batch), () => SpmmBackwardUpdate.Run(layer, dOut, x, null, default, null, batch, null, opts));
        if (File.Exists("/proc/self/smaps_rollup"))
            Console.WriteLine(File.ReadLines("/proc/self/smaps_rollup").FirstOrDefault(l => l.StartsWith("AnonHugePages", StringComparison.Ordinal)));
        var pool = Stopwatch.StartNew();
        for (int i = 0; i < 100_000; i++) WorkerPool.Run(new Nothing(), 2, 2);
        Console.WriteLine($"parallel loop hand-off (an empty loop on all threads): {pool.Elapsed.TotalSeconds * 1e6 / 100_000:F2} us");
        if (fractions.Any(f => f < 0.5))
            Console.WriteLine($"below 50% of the host bandwidth: each connection's index and weight (12–20 bytes) serve {batch} " +
                              $"multiply-adds over a row of {batch} activations read at random, so the CPU kernels are bound by " +
                              $"gather latency and FMA throughput ({(double)nnz * batch / BandwidthModel.Forward(outputs, outputs, nnz, batch):F1} " +
                              "multiply-adds per byte of the forward pass), and re-reads of activation rows from cache are not in " +
                              "the minimum bytes. The GPU-model column is the time a bandwidth-bound kernel reaches there (activation rows from its L2).");
    }

    readonly struct Nothing : IRowKernel
    {
        public void Execute(int start, int end) { }
    }
}
