using SetGpu.Gpu;

namespace SetGpu.KernelsTests.Support;

/// <summary>
/// The rule of every test on a device backend: where the backend's device is not found (OpenCL: no OpenCL 2.0 device
/// with generic address space; CUDA: no CUDA device) the test is skipped, with the reason; where the backend's
/// variable is set to 1 (SETGPU_REQUIRE_OPENCL, as .ci/run sets it, or SETGPU_REQUIRE_CUDA) the absence is a failure
/// instead. ILGPU's CPU accelerator is always there.
/// </summary>
internal static class RequiredDevice
{
    /// <summary>Why <paramref name="engine"/> cannot run on this machine, or null when it can.</summary>
    public static string? Missing(string engine)
    {
        if (engine is not ("opencl" or "cuda")) return null;
        using var context = IlgpuDevices.CreateContext();
        if (engine == "cuda")
            return IlgpuDevices.HasCuda(context) ? null : $"no CUDA device on this machine ({IlgpuDevices.Inventory(context)})";
        return IlgpuDevices.OpenClDevices(context).Count > 0
            ? null
            : $"no OpenCL 2.0 device with generic address space support on this machine ({IlgpuDevices.Inventory(context)})";
    }

    /// <summary>The variable that makes the absence of <paramref name="engine"/>'s device a failure, or null.</summary>
    public static string? RequireVariable(string engine) => engine switch
    {
        "opencl" => "SETGPU_REQUIRE_OPENCL",
        "cuda" => "SETGPU_REQUIRE_CUDA",
        _ => null,
    };

    /// <summary>Skips (or, where the device is required, fails) when <paramref name="engine"/> has no device here.</summary>
    public static void Require(string engine) => RequireNothingMissing(engine, Missing(engine));

    /// <summary>Skips (or fails) with <paramref name="missing"/>, the reason <paramref name="engine"/>'s device is absent; nothing when it is null.</summary>
    public static void RequireNothingMissing(string engine, string? missing)
    {
        if (missing is null) return;
        if (RequireVariable(engine) is { } variable && Environment.GetEnvironmentVariable(variable) == "1")
            Assert.Fail($"{missing}, but {variable}=1");
        Skip.If(true, missing);
    }
}
