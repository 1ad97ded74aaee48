using ILGPU;
using ILGPU.Runtime;
using SetGpu.Gpu;

namespace SetGpu.KernelsTests.Support;

/// <summary>
/// One ILGPU backend for a whole test class (xunit class fixture): its accelerator, opened once, or the reason it is
/// absent (<see cref="RequiredDevice"/>). The backend's name lives only in the sealed subclasses below, so that the
/// per-backend test classes stay one line each.
/// </summary>
public abstract class BackendFixture : IDisposable
{
    protected BackendFixture(string engine)
    {
        Engine = engine;
        Context = IlgpuDevices.CreateContext();
        Missing = RequiredDevice.Missing(engine);
        if (Missing is null) Accelerator = IlgpuDevices.Open(Context, Device.Parse(engine));
    }

    /// <summary>The backend's engine name: ilgpu-cpu, opencl or cuda.</summary>
    public string Engine { get; }

    public Context Context { get; }

    /// <summary>The accelerator (null when the device is missing: call <see cref="Require"/> first).</summary>
    public Accelerator Accelerator { get; } = null!;

    /// <summary>Why the backend cannot run here, or null.</summary>
    public string? Missing { get; }

    /// <summary>Whether this is ILGPU's CPU accelerator, which runs the kernels' .NET code as written (bit-exact .NET math).</summary>
    public bool IsCpuAccelerator => Accelerator.AcceleratorType == AcceleratorType.CPU;

    /// <summary>Skips the test when the device is absent (fails instead where SETGPU_REQUIRE names the backend).</summary>
    public void Require() => RequiredDevice.Require(Engine);

    public virtual void Dispose()
    {
        Accelerator?.Dispose();
        Context.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>ILGPU's CPU accelerator: every machine has it.</summary>
public sealed class IlgpuCpuBackend() : BackendFixture("ilgpu-cpu");

/// <summary>OpenCL (PoCL in CI).</summary>
public sealed class OpenClBackend() : BackendFixture("opencl");

/// <summary>CUDA, where a device exists.</summary>
public sealed class CudaBackend() : BackendFixture("cuda");
