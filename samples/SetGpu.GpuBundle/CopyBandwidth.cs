using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using SetGpu.Gpu;

namespace SetGpu.GpuBundle;

/// <summary>A device's copy bandwidth through ILGPU, counting bytes read plus written.</summary>
/// <param name="Engine">The backend (cuda, ilgpu-cpu, opencl).</param>
/// <param name="Device">The device in words.</param>
/// <param name="BufferBytes">The size of each of the two buffers.</param>
/// <param name="MemcpyBytesPerSecond">The driver's device-to-device copy (ILGPU's view copy), the best round.</param>
/// <param name="MemcpyMedianBytesPerSecond">The same, the median round.</param>
/// <param name="KernelBytesPerSecond">An ILGPU kernel that copies one float per thread, the best round.</param>
/// <param name="HostBytesPerSecond">The host's parallel copy (<see cref="SetGpu.Bench.BandwidthModel.MeasureHostBandwidth"/>):
/// what the CPU engine's rows are bound by.</param>
internal sealed record BandwidthResult(string Engine, string Device, long BufferBytes, double MemcpyBytesPerSecond,
                                       double MemcpyMedianBytesPerSecond, double KernelBytesPerSecond, double HostBytesPerSecond);

/// <summary>
/// Measures the copy bandwidth the bandwidth model's fractions are taken of: two buffers far larger than the caches
/// (1 GiB each on a GPU, whose L2 holds 50–60 MB; 64 MiB on ILGPU's CPU accelerator, whose "device" memory is the
/// host's), copied several times back to back per timed round so that a round is not a launch's overhead.
/// </summary>
internal static class CopyBandwidth
{
    public static void Measure(string engine, string resultPath)
    {
        using var context = IlgpuDevices.CreateContext();
        using var accelerator = IlgpuDevices.Open(context, Device.Parse(engine));
        bool host = accelerator.AcceleratorType == AcceleratorType.CPU;
        long floats = (host ? 64L : 1024L) << 18; // 4 bytes each: 64 MiB or 1 GiB
        // The CPU accelerator runs the copy kernel as .NET code, a group of two threads at a time with a range check
        // per access: there it copies a 1 MiB share of the buffer, or the probe alone would take half a minute.
        long kernelFloats = host ? 1 << 18 : floats;
        int copiesPerRound = host ? 2 : 10, rounds = host ? 3 : 7;
        using var source = accelerator.Allocate1D<float>(floats);
        using var target = accelerator.Allocate1D<float>(floats);
        source.MemSetToZero();
        target.MemSetToZero();
        accelerator.Synchronize();
        Console.WriteLine($"bandwidth: {IlgpuDevices.Describe(accelerator)}, 2 × {floats * 4 / (1 << 20):N0} MiB");

        var memcpy = Rounds(accelerator, rounds, copiesPerRound, () => source.View.CopyTo(target.View));
        var kernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(Copy);
        var launched = Rounds(accelerator, rounds, copiesPerRound, () => kernel((int)kernelFloats, source.View, target.View));
        double bytes = 2.0 * 4 * floats * copiesPerRound, kernelBytes = 2.0 * 4 * kernelFloats * copiesPerRound; // read + written
        var result = new BandwidthResult(engine, IlgpuDevices.Describe(accelerator), floats * 4, bytes / memcpy.Min(),
                                         bytes / SetGpu.Bench.Statistics.Median(memcpy), kernelBytes / launched.Min(),
                                         SetGpu.Bench.BandwidthModel.MeasureHostBandwidth());
        Console.WriteLine($"bandwidth: copy {result.MemcpyBytesPerSecond / 1e9:F1} GB/s (median {result.MemcpyMedianBytesPerSecond / 1e9:F1}), " +
                          $"copy kernel {result.KernelBytesPerSecond / 1e9:F1} GB/s; host {result.HostBytesPerSecond / 1e9:F1} GB/s; bytes read plus written");
        BundleJson.Write(resultPath, result);
    }

    /// <summary>Seconds per round of <paramref name="copies"/> calls, after one warm-up round (it compiles the kernel).</summary>
    static List<double> Rounds(Accelerator accelerator, int rounds, int copies, Action copy)
    {
        var seconds = new List<double>();
        for (int round = -1; round < rounds; round++)
        {
            accelerator.Synchronize();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < copies; i++) copy();
            accelerator.Synchronize();
            if (round >= 0) seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return seconds;
    }

    static void Copy(Index1D i, ArrayView<float> from, ArrayView<float> to) => to[i] = from[i];
}
