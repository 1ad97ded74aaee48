using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace SetGpu.Gpu;

/// <summary>The engine asked for a device this machine does not have.</summary>
public sealed class DeviceUnavailableException(string message) : Exception(message);

/// <summary>
/// Opens the ILGPU device a <see cref="SetGpu.Device"/> names. ILGPU itself falls back to its CPU accelerator when a device is
/// missing; SetGpu never does: a missing CUDA or OpenCL device is an error that lists what was found.
/// </summary>
public static class IlgpuDevices
{
    /// <summary>
    /// A context with every ILGPU backend registered and the algorithms library (needed for MathF in PTX). ILGPU
    /// enumerates every backend's devices while it builds a context, and PoCL loses its device when two threads
    /// enumerate at once (eight threads at once: most saw no OpenCL device), so contexts are built one at a time.
    /// </summary>
    public static Context CreateContext()
    {
        lock (ContextCreation) return Context.Create(builder => builder.Default().EnableAlgorithms());
    }

    static readonly Lock ContextCreation = new();

    /// <summary>Whether a CUDA device is present.</summary>
    public static bool HasCuda(Context context) => context.GetCudaDevices().Count > 0;

    /// <summary>The OpenCL devices ILGPU can use (OpenCL 2.0 with generic address space), GPUs first.</summary>
    public static IReadOnlyList<CLDevice> OpenClDevices(Context context)
    {
        var devices = new List<CLDevice>();
        foreach (var device in context.GetCLDevices()) devices.Add(device);
        return devices.OrderBy(d => IsGpu(d) ? 0 : 1).ToList();
    }

    /// <summary>Whether an OpenCL device is a GPU (PoCL and other CPU runtimes are not).</summary>
    public static bool IsGpu(CLDevice device) => device.DeviceType.ToString().Contains("GPU", StringComparison.Ordinal);

    /// <summary>
    /// An accelerator for <paramref name="device"/>: CUDA device N, OpenCL device N (GPUs first) or ILGPU's CPU
    /// accelerator (one thread per core, in groups of two). An absent device is a <see cref="DeviceUnavailableException"/>
    /// that lists what ILGPU found.
    /// </summary>
    public static Accelerator Open(Context context, Device device)
    {
        switch (device.Kind)
        {
            case DeviceKind.Cuda:
                var cuda = context.GetCudaDevices();
                if (device.Index < cuda.Count) return cuda[device.Index].CreateAccelerator(context);
                throw new DeviceUnavailableException(
                    $"device '{device}': {Found(cuda.Count, "CUDA device")}. {Inventory(context)}");
            case DeviceKind.OpenCl:
                var cl = OpenClDevices(context);
                if (device.Index < cl.Count) return cl[device.Index].CreateAccelerator(context);
                throw new DeviceUnavailableException(
                    $"device '{device}': {Found(cl.Count, "OpenCL 2.0 device with generic address space support")}. {Inventory(context)}");
            case DeviceKind.IlgpuCpu:
                // Two threads per warp is ILGPU's minimum; one multiprocessor per two cores gives one thread per core.
                return new CPUDevice(2, 1, Math.Max(1, Environment.ProcessorCount / 2)).CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
            default:
                throw new ArgumentException($"device '{device}' is not an ILGPU device; use ilgpu-cpu, opencl[:N] or cuda[:N]");
        }
    }

    static string Found(int count, string what) => count == 0 ? $"no {what} found" : $"only {count} {what}{(count == 1 ? "" : "s")} found (counting from 0)";

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
