using ILGPU;
using ILGPU.Runtime;

namespace SetGpu.Gpu;

/// <summary>
/// One ILGPU device in use: the context, the accelerator and the kernels loaded on it, each kernel set loaded once.
/// An ILGPU engine owns its session and disposes it with itself.
/// </summary>
public sealed class IlgpuSession : IDisposable
{
    readonly Context _context;
    readonly Dictionary<Type, object> _loaded = [];

    IlgpuSession(Context context, Accelerator accelerator, Device device)
    {
        _context = context;
        Accelerator = accelerator;
        Device = device;
        Description = IlgpuDevices.Describe(accelerator);
    }

    /// <summary>
    /// Opens <paramref name="device"/> (<c>ilgpu-cpu</c>, <c>opencl:N</c> or <c>cuda:N</c>). Throws
    /// <see cref="DeviceUnavailableException"/>, listing what was found, when it is absent.
    /// </summary>
    public static IlgpuSession Open(Device device)
    {
        var context = IlgpuDevices.CreateContext();
        try { return new IlgpuSession(context, IlgpuDevices.Open(context, device), device); }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The best GPU present, in one context: CUDA device 0, else the first OpenCL GPU; null (and nothing left open) when
    /// there is none, so that <see cref="DeviceKind.Auto"/> picks the CPU engine.
    /// </summary>
    public static IlgpuSession? OpenBestGpu()
    {
        var context = IlgpuDevices.CreateContext();
        try
        {
            Device? best = IlgpuDevices.HasCuda(context) ? SetGpu.Device.Cuda(0)
                : IlgpuDevices.OpenClDevices(context) is { Count: > 0 } cl && IlgpuDevices.IsGpu(cl[0]) ? SetGpu.Device.OpenCl(0)
                : null;
            if (best is { } device) return new IlgpuSession(context, IlgpuDevices.Open(context, device), device);
        }
        catch
        {
            context.Dispose();
            throw;
        }
        context.Dispose();
        return null;
    }

    /// <summary>The device, as the command line names it.</summary>
    public Device Device { get; }
    /// <summary>The device in words.</summary>
    public string Description { get; }
    /// <summary>The accelerator every kernel of this session runs on.</summary>
    internal Accelerator Accelerator { get; }

    /// <summary>Bytes of memory the device has.</summary>
    public long MemorySize => Accelerator.MemorySize;
    /// <summary>Whether the kernels run on ILGPU's CPU accelerator (host memory, emulated threads).</summary>
    internal bool IsCpuAccelerator => Accelerator.AcceleratorType == AcceleratorType.CPU;

    /// <summary>A set of kernels loaded on this accelerator: loaded by <paramref name="load"/> on first use, then kept.</summary>
    internal T Kernels<T>(Func<Accelerator, T> load) where T : class
    {
        if (_loaded.TryGetValue(typeof(T), out var kernels)) return (T)kernels;
        var made = load(Accelerator);
        _loaded[typeof(T)] = made;
        return made;
    }

    /// <summary>Frees the kernels' device resources, the accelerator and the context.</summary>
    public void Dispose()
    {
        foreach (var kernels in _loaded.Values) (kernels as IDisposable)?.Dispose();
        _loaded.Clear();
        Accelerator.Dispose();
        _context.Dispose();
    }
}
