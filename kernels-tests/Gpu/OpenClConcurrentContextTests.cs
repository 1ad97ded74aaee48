using System.Diagnostics;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>
/// Test classes open their backends on several threads at once (xUnit builds class fixtures in parallel). When a
/// process's first OpenCL calls were ILGPU contexts enumerating devices on several threads, PoCL lost its device for
/// most of them, and a fixture then found no OpenCL device; contexts are now built one at a time
/// (<see cref="IlgpuDevices.CreateContext"/>). In fresh child processes (the race is at the OpenCL runtime's first
/// use), eight contexts created at once must each see the devices this process sees.
/// </summary>
public class OpenClConcurrentContextTests
{
    /// <summary>The OpenCL devices each of <paramref name="threads"/> contexts, created at the same moment, sees.</summary>
    public static int[] CountsAtOnce(int threads)
    {
        var counts = new int[threads];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            using var context = IlgpuDevices.CreateContext();
            counts[i] = IlgpuDevices.OpenClDevices(context).Count;
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        return counts;
    }

    [Fact]
    public void Contexts_created_at_once_in_a_fresh_process_all_see_the_opencl_devices()
    {
        int expected;
        using (var context = IlgpuDevices.CreateContext()) expected = IlgpuDevices.OpenClDevices(context).Count;
        for (int run = 0; run < 3; run++)
        {
            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
            var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(typeof(HelperProgram).Assembly.Location);
            info.ArgumentList.Add("opencl-contexts");
            info.ArgumentList.Add("8");
            using var child = Process.Start(info)!;
            string output = child.StandardOutput.ReadToEnd().Trim(), errors = child.StandardError.ReadToEnd();
            child.WaitForExit();
            Assert.True(child.ExitCode == 0, errors);
            Assert.Equal(string.Join(" ", Enumerable.Repeat(expected, 8)), output);
        }
    }
}
