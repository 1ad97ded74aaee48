using ILGPU;
using ILGPU.Runtime.Cuda;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>
/// Test classes open their backends on several threads at once (xunit builds class fixtures in parallel). When a
/// process's first OpenCL calls were ILGPU contexts enumerating devices on several threads, PoCL lost its device for
/// most of them, and a suite then found no OpenCL device; contexts are now built one at a time
/// (<see cref="IlgpuDevices.CreateContext"/>). In fresh child processes (the race is at the runtime's first use), eight
/// contexts created at once must each see the devices of the backend that this process sees.
/// </summary>
public class ConcurrentContextTests
{
    /// <summary>The devices of <paramref name="backend"/> (opencl or cuda) each of <paramref name="threads"/> contexts, created at the same moment, sees.</summary>
    public static int[] CountsAtOnce(string backend, int threads)
    {
        var counts = new int[threads];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            using var context = IlgpuDevices.CreateContext();
            counts[i] = Count(context, backend);
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        return counts;
    }

    static int Count(Context context, string backend) =>
        backend == "cuda" ? context.GetCudaDevices().Count : IlgpuDevices.OpenClDevices(context).Count;

    [BackendTheory(Set = BackendSet.Devices)]
    public void Contexts_created_at_once_in_a_fresh_process_all_see_the_devices(string backend)
    {
        Backends.Require(backend);
        int expected;
        using (var context = IlgpuDevices.CreateContext()) expected = Count(context, backend);
        for (int run = 0; run < 3; run++)
        {
            var (code, output) = Programs.Run(ChildProcess.Helper("device-contexts", backend, "8"));
            Assert.True(code == 0, output);
            Assert.Equal(string.Join(" ", Enumerable.Repeat(expected, 8)), output.Trim());
        }
    }
}
