using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace SetGpu.Gpu;

/// <summary>The engine asked for a device this machine does not have.</summary>
public sealed class DeviceUnavailableException(string message) : Exception(message);

/// <summary>
/// Opens the ILGPU device an engine name asks for. ILGPU itself falls back to its CPU accelerator when a device is
/// missing; SetGpu never does: a missing CUDA or OpenCL device is an error that lists what was found.
/// </summary>
public static class IlgpuDevices
{
    /// <summary>A context with every ILGPU backend registered and the algorithms library (needed for MathF in PTX).</summary>
    public static Context CreateContext() => Context.Create(builder => builder.Default().EnableAlgorithms());

    /// <summary>Whether a CUDA device is present.</summary>
    public static bool HasCuda(Context context) => context.GetCudaDevices().Count > 0;

    /// <summary>The OpenCL devices ILGPU can use (OpenCL 2.0 with generic address space), GPUs first.</summary>
    public static IReadOnlyList<CLDevice> OpenClDevices(Context context)
    {
        var devices = new List<CLDevice>();
        foreach (var device in context.GetCLDevices()) devices.Add(device);
        return devices.OrderBy(d => d.DeviceType.ToString().Contains("GPU", StringComparison.Ordinal) ? 0 : 1).ToList();
    }

    /// <summary>
    /// An accelerator for <paramref name="engine"/>: <c>cuda</c> (the first CUDA device), <c>opencl</c> (the first
    /// OpenCL device, GPUs first) or <c>ilgpu-cpu</c> (ILGPU's CPU accelerator, one thread per core in groups of two).
    /// </summary>
    public static Accelerator Open(Context context, string engine) => engine switch
    {
        "cuda" => HasCuda(context)
            ? context.CreateCudaAccelerator(0)
            : throw new DeviceUnavailableException($"engine 'cuda': no CUDA device found. {Inventory(context)}"),
        "opencl" => OpenClDevices(context) is { Count: > 0 } cl
            ? cl[0].CreateAccelerator(context)
            : throw new DeviceUnavailableException(
                $"engine 'opencl': no OpenCL 2.0 device with generic address space support found. {Inventory(context)}"),
        // Two threads per warp is ILGPU's minimum; one multiprocessor per two cores gives one thread per core.
        "ilgpu-cpu" => new CPUDevice(2, 1, Math.Max(1, Environment.ProcessorCount / 2))
            .CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel),
        _ => throw new ArgumentException($"unknown ILGPU engine '{engine}'; use cuda, opencl or ilgpu-cpu"),
    };

    /// <summary>The devices ILGPU sees, for error messages and reports.</summary>
    public static string Inventory(Context context)
    {
        var devices = context.Devices.Select(d => $"{d.AcceleratorType}: {d.Name}").ToArray();
        return devices.Length == 0 ? "ILGPU found no devices." : $"ILGPU found: {string.Join("; ", devices)}.";
    }

    /// <summary>The accelerator in words, for the console and reports.</summary>
    public static string Describe(Accelerator accelerator) =>
        accelerator.AcceleratorType == AcceleratorType.CPU
            ? $"ILGPU CPU accelerator ({accelerator.NumMultiprocessors} multiprocessors × {accelerator.MaxNumThreadsPerGroup} threads)"
            : $"{accelerator.AcceleratorType} {accelerator.Name}, {accelerator.MemorySize / (1 << 20):N0} MiB, " +
              $"{accelerator.NumMultiprocessors} multiprocessors";
}
