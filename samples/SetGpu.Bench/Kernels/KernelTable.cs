using System.Diagnostics;
using SetGpu.Cpu;

namespace SetGpu.Bench.Kernels;

/// <summary>
/// The <c>kernels</c> command: each kernel family called directly, on its CPU twin and through its launch class on
/// each ILGPU backend, timed (median of the calls) and set against the bandwidth model: the bytes it must move, the
/// rate it reached, the fraction of this machine's measured copy bandwidth, and the time the same bytes take on an
/// H100. Small defaults, so that every family on every backend runs in seconds.
/// </summary>
internal static class KernelTable
{
    public static void Run(int neurons, double epsilon, int batch, double zeta, int reps, IReadOnlyCollection<string> backends,
                           IReadOnlyCollection<string> families)
    {
        var problem = new KernelProblem(neurons, epsilon, batch, zeta);
        var chosen = KernelFamilies.Named(families).ToArray();
        double host = BandwidthModel.MeasureHostBandwidth();
        Console.WriteLine($"layer {neurons}x{neurons}, {problem.Connections:N0} connections (ε = {epsilon}), batch {batch} " +
                          $"({problem.Stride} RBM lanes), ζ = {zeta}; median of {reps} calls after 2 warm-ups; host copy bandwidth " +
                          $"{host / 1e9:F1} GB/s; H100 model at {BandwidthModel.GpuBandwidth / 1e12:F2} TB/s");
        Console.WriteLine($"{"family",-14} {"variant",-12} {"backend",-10} {"time",12} {"model",10} {"rate",10} {"of host",8} {"H100 model",12}");
        var fractions = new List<double>();
        foreach (string name in backends)
        {
            using var backend = KernelBackend.Open(name);
            Console.WriteLine($"# {name}: {backend.Description}");
            foreach (var family in chosen)
                foreach (var kernel in family.Cases(problem, backend))
                {
                    double seconds = Time(kernel.Run, reps), rate = kernel.Bytes / seconds;
                    if (backend.IsCpuTwin) fractions.Add(rate / host);
                    Console.WriteLine($"{kernel.Family,-14} {kernel.Variant,-12} {name,-10} {seconds * 1e6,9:F1} us {kernel.Bytes / 1e6,7:F2} MB " +
                                      $"{rate / 1e9,5:F1} GB/s {rate / host,8:P0} {kernel.Bytes / BandwidthModel.GpuBandwidth * 1e6,9:F2} us");
                }
        }
        if (backends.Contains("cpu")) PrintCpuNotes(problem, fractions);
    }

    /// <summary>The median seconds of <paramref name="reps"/> calls after two warm-up calls.</summary>
    static double Time(Action run, int reps)
    {
        run();
        run();
        var times = new double[Math.Max(1, reps)];
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return Statistics.Median(times);
    }

    /// <summary>What bounds the CPU twins, and what the worker pool's hand-off costs.</summary>
    static void PrintCpuNotes(KernelProblem problem, List<double> fractions)
    {
        var pool = Stopwatch.StartNew();
        for (int i = 0; i < 100_000; i++) WorkerPool.Run(new Nothing(), 2, 2);
        Console.WriteLine($"cpu: parallel loop hand-off (an empty loop on all threads): {pool.Elapsed.TotalSeconds * 1e6 / 100_000:F2} us");
        if (fractions.Any(f => f < 0.5))
            Console.WriteLine($"cpu: below 50% of the host bandwidth: each connection's index and weight (12–20 bytes) serve {problem.Batch} " +
                              "multiply-adds over a row of activations read at random, so the CPU twins are bound by gather latency and " +
                              "FMA throughput, and re-reads of activation rows from cache are not in the minimum bytes. The H100 column " +
                              "is the time a bandwidth-bound kernel reaches there (activation rows from its L2).");
    }

    readonly struct Nothing : IRowKernel
    {
        public void Execute(int start, int end) { }
    }
}
