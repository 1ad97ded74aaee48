using ILGPU;
using ILGPU.Runtime;
using SetGpu.Gpu;

namespace SetGpu.Bench.Kernels;

/// <summary>
/// Where a kernel family runs in a benchmark: <c>cpu</c>, its CPU twin, or an ILGPU backend (<c>ilgpu-cpu</c>,
/// <c>opencl</c>, <c>cuda</c>), through the family's launch class. Owns the device buffers the families allocate.
/// </summary>
internal sealed class KernelBackend : IDisposable
{
    readonly Context? _context;
    readonly List<IDisposable> _owned = [];

    KernelBackend(string name, Context? context, Accelerator? accelerator)
    {
        Name = name;
        _context = context;
        Accelerator = accelerator;
    }

    /// <summary>The backend's name: cpu, ilgpu-cpu, opencl or cuda.</summary>
    public string Name { get; }

    /// <summary>The ILGPU accelerator; null for the CPU twins.</summary>
    public Accelerator? Accelerator { get; }

    /// <summary>Whether the families run their CPU twins here.</summary>
    public bool IsCpuTwin => Accelerator is null;

    /// <summary>The accelerator of an ILGPU backend.</summary>
    public Accelerator Device => Accelerator ?? throw new InvalidOperationException("the cpu backend runs the CPU twins");

    /// <summary>The backend in words.</summary>
    public string Description => Accelerator is { } a
        ? IlgpuDevices.Describe(a)
        : $"CPU twins: {Environment.ProcessorCount} threads";

    /// <summary>The backends present on this machine: cpu, ilgpu-cpu, and opencl and cuda where a device exists.</summary>
    public static IEnumerable<string> Present()
    {
        yield return "cpu";
        yield return "ilgpu-cpu";
        using var context = IlgpuDevices.CreateContext();
        if (IlgpuDevices.OpenClDevices(context).Count > 0) yield return "opencl";
        if (IlgpuDevices.HasCuda(context)) yield return "cuda";
    }

    /// <summary>Opens <paramref name="name"/>; throws <see cref="DeviceUnavailableException"/> when its device is absent.</summary>
    public static KernelBackend Open(string name)
    {
        if (name == "cpu") return new KernelBackend(name, null, null);
        var context = IlgpuDevices.CreateContext();
        try
        {
            return new KernelBackend(name, context, IlgpuDevices.Open(context, SetGpu.Device.Parse(name)));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Keeps <paramref name="resource"/> until the backend is disposed.</summary>
    public T Own<T>(T resource) where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    /// <summary>A device copy of <paramref name="values"/>, owned by the backend.</summary>
    public MemoryBuffer1D<T, Stride1D.Dense> Upload<T>(T[] values) where T : unmanaged => Own(Device.Allocate1D(values));

    /// <summary>An uninitialised device buffer of <paramref name="length"/> elements, owned by the backend.</summary>
    public MemoryBuffer1D<T, Stride1D.Dense> Allocate<T>(long length) where T : unmanaged => Own(Device.Allocate1D<T>(length));

    public void Dispose()
    {
        Accelerator?.Synchronize();
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
        Accelerator?.Dispose();
        _context?.Dispose();
    }
}
