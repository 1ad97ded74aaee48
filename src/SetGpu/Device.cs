namespace SetGpu;

/// <summary>The kinds of device a SET model can run on.</summary>
public enum DeviceKind
{
    /// <summary>The best device present: a CUDA GPU, else an OpenCL GPU, else the CPU engine.</summary>
    Auto,
    /// <summary>The CPU engine: multithreaded, vectorised managed code, the reference of every kernel.</summary>
    Cpu,
    /// <summary>ILGPU's CPU accelerator running the device kernels (for checking kernels, not for speed).</summary>
    IlgpuCpu,
    /// <summary>An OpenCL 2.0 device with generic address space support (GPUs first, then others such as PoCL).</summary>
    OpenCl,
    /// <summary>A CUDA GPU.</summary>
    Cuda,
}

/// <summary>
/// A device, written the same in C# and on the command line: <c>auto</c>, <c>cpu</c>, <c>ilgpu-cpu</c>,
/// <c>opencl</c> or <c>opencl:N</c>, <c>cuda</c> or <c>cuda:N</c> (N counts from 0; without it, device 0). A named
/// device that is absent is an error listing what was found; SetGpu never falls back silently.
/// </summary>
/// <param name="Kind">Which backend.</param>
/// <param name="Index">Which device of an OpenCL or CUDA backend (0 for the others).</param>
public readonly record struct Device(DeviceKind Kind, int Index = 0)
{
    /// <summary>The best device present (see <see cref="DeviceKind.Auto"/>).</summary>
    public static Device Auto => new(DeviceKind.Auto);
    /// <summary>The CPU engine.</summary>
    public static Device Cpu => new(DeviceKind.Cpu);
    /// <summary>ILGPU's CPU accelerator.</summary>
    public static Device IlgpuCpu => new(DeviceKind.IlgpuCpu);
    /// <summary>OpenCL device <paramref name="index"/> (GPUs first).</summary>
    public static Device OpenCl(int index = 0) => new(DeviceKind.OpenCl, index);
    /// <summary>CUDA device <paramref name="index"/>.</summary>
    public static Device Cuda(int index = 0) => new(DeviceKind.Cuda, index);

    /// <summary>The forms <see cref="Parse"/> accepts, for help texts.</summary>
    public const string Forms = "auto, cpu, ilgpu-cpu, opencl[:N], cuda[:N]";

    /// <summary>Whether the device runs ILGPU kernels (everything but the CPU engine; auto may resolve to either).</summary>
    public bool IsIlgpu => Kind is DeviceKind.IlgpuCpu or DeviceKind.OpenCl or DeviceKind.Cuda;

    /// <summary>Reads a device as the command line writes it; an unknown form is an error naming it and the forms.</summary>
    public static Device Parse(string text) =>
        TryParse(text, out var device) ? device : throw new ArgumentException($"unknown device '{text}'; use {Forms}");

    /// <summary>Reads a device as the command line writes it.</summary>
    public static bool TryParse(string? text, out Device device)
    {
        device = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string name = text.Trim().ToLowerInvariant();
        int index = 0;
        int colon = name.IndexOf(':');
        if (colon >= 0)
        {
            if (!int.TryParse(name[(colon + 1)..], System.Globalization.NumberStyles.None, null, out index)) return false;
            name = name[..colon];
            if (name is not ("opencl" or "cuda")) return false;
        }
        DeviceKind? kind = name switch
        {
            "auto" => DeviceKind.Auto,
            "cpu" => DeviceKind.Cpu,
            "ilgpu-cpu" => DeviceKind.IlgpuCpu,
            "opencl" => DeviceKind.OpenCl,
            "cuda" => DeviceKind.Cuda,
            _ => null,
        };
        if (kind is null) return false;
        device = new Device(kind.Value, index);
        return true;
    }

    /// <summary>The device as the command line writes it (<c>opencl:1</c>, <c>cpu</c>, …).</summary>
    public override string ToString() => Kind switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.IlgpuCpu => "ilgpu-cpu",
        DeviceKind.OpenCl => $"opencl:{Index}",
        DeviceKind.Cuda => $"cuda:{Index}",
        _ => "auto",
    };
}
