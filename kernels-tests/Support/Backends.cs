using ILGPU.Runtime.Cuda;
using SetGpu.Gpu;

namespace SetGpu.KernelsTests.Support;

/// <summary>A backend the parity suites run on: its device, what it needs from the machine, and what it is.</summary>
/// <param name="Name">The device as the command line writes it (and the tests' <c>Backend</c> trait).</param>
/// <param name="Requirement">What the machine must have for it (null: every machine has it).</param>
/// <param name="Description">What it is, in words.</param>
public sealed record Backend(string Name, Requirement? Requirement, string Description)
{
    /// <summary>The device the engines and <see cref="SetGpu.Gpu.IlgpuDevices.Open"/> take.</summary>
    public Device Device => Device.Parse(Name);

    /// <summary>Skips the test, or fails it, as <see cref="Support.Requirement"/>'s rule says, where the device is missing.</summary>
    public void Require() => Requirement?.Require();

    public override string ToString() => Name;
}

/// <summary>Which backends of the list a parity test runs on (<see cref="BackendTheoryAttribute"/>).</summary>
public enum BackendSet
{
    /// <summary>The ILGPU backends (<see cref="Backends.Ilgpu"/>): every kernel and device parity suite.</summary>
    Ilgpu,
    /// <summary>The CPU engine and the ILGPU backends (<see cref="Backends.Engines"/>): suites of whole engines.</summary>
    Engines,
    /// <summary>The backends whose device a machine may lack (<see cref="Backends.Devices"/>).</summary>
    Devices,
}

/// <summary>
/// The backend test matrix as data: every parity suite runs on each backend listed here (<see cref="BackendTheoryAttribute"/>),
/// so a new backend is one line below.
/// </summary>
public static class Backends
{
    /// <summary>The ILGPU backends.</summary>
    public static readonly IReadOnlyList<Backend> Ilgpu =
    [
        new("ilgpu-cpu", null, "ILGPU's CPU accelerator: the kernels' .NET code as written, on every machine"),
        new("opencl", Requirement.OpenCl, "ILGPU's OpenCL backend (PoCL 6 on the CPU in CI)"),
        new("cuda", Requirement.Cuda, "ILGPU's CUDA backend"),
    ];

    /// <summary>The CPU engine: the reference the others are held to.</summary>
    public static readonly Backend Cpu = new("cpu", null, "the CPU engine (vectorised managed code, no ILGPU)");

    /// <summary>The CPU engine and the ILGPU backends.</summary>
    public static readonly IReadOnlyList<Backend> Engines = [Cpu, .. Ilgpu];

    /// <summary>The backends whose device a machine may lack.</summary>
    public static IReadOnlyList<Backend> Devices => Ilgpu.Where(b => b.Requirement is not null).ToList();

    /// <summary>The backends of <paramref name="set"/>.</summary>
    public static IReadOnlyList<Backend> Of(BackendSet set) => set switch
    {
        BackendSet.Ilgpu => Ilgpu,
        BackendSet.Engines => Engines,
        BackendSet.Devices => Devices,
        _ => throw new ArgumentOutOfRangeException(nameof(set), set, null),
    };

    /// <summary>The backend named <paramref name="name"/>.</summary>
    public static Backend Named(string name) =>
        Engines.SingleOrDefault(b => b.Name == name) ?? throw new ArgumentException($"no backend '{name}' in the list", nameof(name));

    /// <summary>
    /// The first device of backend <paramref name="name"/> (opencl or cuda) that this machine lacks, index 0 where it has
    /// none, and how the refusal to open it counts what is there.
    /// </summary>
    public static (Device Absent, string Found) FirstAbsent(string name)
    {
        using var context = IlgpuDevices.CreateContext();
        var (present, what) = Named(name).Device.Kind switch
        {
            DeviceKind.Cuda => (context.GetCudaDevices().Count, "CUDA device"),
            DeviceKind.OpenCl => (IlgpuDevices.OpenClDevices(context).Count, "OpenCL 2.0 device with generic address space support"),
            var kind => throw new ArgumentException($"backend '{name}' ({kind}) has no numbered devices", nameof(name)),
        };
        return (new Device(Named(name).Device.Kind, present), present == 0 ? $"no {what} found" : $"only {present} {what}");
    }

    /// <summary>The device of backend <paramref name="name"/>; skips the test, or fails it, where the device is missing.</summary>
    public static Device Require(string name)
    {
        var backend = Named(name);
        backend.Require();
        return backend.Device;
    }
}
