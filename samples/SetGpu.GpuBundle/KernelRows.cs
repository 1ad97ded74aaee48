using System.Diagnostics;
using SetGpu.Bench;
using SetGpu.Bench.Kernels;

namespace SetGpu.GpuBundle;

/// <summary>One kernel family's call at one size: the median time of the calls and the bytes the model says it moves.</summary>
internal sealed record KernelRow(int Neurons, long Connections, int Batch, string Family, string Variant, long Bytes, double Seconds)
{
    public double BytesPerSecond => Bytes / Seconds;
}

/// <summary>The kernel rows of one backend, as far as they got.</summary>
internal sealed record KernelRowsResult(string Engine, string Device, int Batch, List<KernelRow> Rows, List<string> Notes)
{
    public bool Finished { get; set; }
}

/// <summary>
/// The <c>kernels-at</c> command: every kernel family of <c>samples/SetGpu.Bench/Kernels</c> called directly on one ILGPU
/// backend, on the hidden-to-hidden layer of an N-N-N network (ε = 20, batch 32, ζ = 0.3, as the bench's <c>kernels</c>),
/// at each width asked for. The result is rewritten after every family, so a run stopped at its budget keeps the rows
/// it finished.
/// </summary>
internal static class KernelRows
{
    public const int Batch = 32;

    public static void Run(string engine, int[] widths, string resultPath)
    {
        var result = new KernelRowsResult(engine, "", Batch, [], []);
        foreach (int neurons in widths)
        {
            var clock = Stopwatch.StartNew();
            var problem = new KernelProblem(neurons, 20, Batch, 0.3);
            Console.WriteLine($"kernels: {neurons:N0} per layer, {problem.Connections:N0} connections, made in {clock.Elapsed.TotalSeconds:F1} s");
            // ILGPU's CPU accelerator keeps its buffers in the host's memory: there each family gets a backend of its
            // own, freed after it, rather than all of them holding theirs to the end.
            var shared = engine == "ilgpu-cpu" ? null : KernelBackend.Open(engine);
            try
            {
                foreach (var family in KernelFamilies.All)
                {
                    using var own = shared is null ? KernelBackend.Open(engine) : null;
                    var backend = (own ?? shared)!;
                    result = result with { Device = backend.Description };
                    try
                    {
                        foreach (var kernel in family.Cases(problem, backend))
                        {
                            double seconds = Median(kernel.Run, neurons <= 100_000 ? 20 : neurons <= 1_000_000 ? 10 : 5);
                            var row = new KernelRow(neurons, problem.Connections, Batch, kernel.Family, kernel.Variant, kernel.Bytes, seconds);
                            result.Rows.Add(row);
                            Console.WriteLine($"kernels: {neurons,9:N0} {row.Family,-14} {row.Variant,-10} {seconds * 1e6,12:F1} us " +
                                              $"{row.Bytes / 1e6,10:F1} MB {row.BytesPerSecond / 1e9,8:F1} GB/s");
                        }
                    }
                    catch (Exception e)
                    {
                        result.Notes.Add($"{family.Name} at {neurons:N0}: {e.GetType().Name}: {e.Message}");
                        Console.WriteLine($"kernels: {family.Name} at {neurons:N0} failed: {e.Message}");
                    }
                    BundleJson.Write(resultPath, result);
                }
            }
            finally
            {
                shared?.Dispose();
            }
        }
        result.Finished = true;
        BundleJson.Write(resultPath, result);
    }

    /// <summary>The median seconds of <paramref name="reps"/> calls after one warm-up call (it compiles the kernel).</summary>
    static double Median(Action run, int reps)
    {
        run();
        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return Statistics.Median(times);
    }

}
