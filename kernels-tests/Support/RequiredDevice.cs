using SetGpu.Gpu;

namespace SetGpu.KernelsTests.Support;

/// <summary>
/// The rule of every OpenCL test: where no OpenCL 2.0 device with generic address space is found it is skipped, with
/// the reason; where SETGPU_REQUIRE_OPENCL=1 (as .ci/run sets it) the absence is a failure instead.
/// </summary>
internal static class RequiredDevice
{
    /// <summary>Why <paramref name="engine"/> cannot run on this machine, or null when it can.</summary>
    public static string? Missing(string engine)
    {
        if (engine != "opencl") return null;
        using var context = IlgpuDevices.CreateContext();
        return IlgpuDevices.OpenClDevices(context).Count > 0
            ? null
            : $"no OpenCL 2.0 device with generic address space support on this machine ({IlgpuDevices.Inventory(context)})";
    }

    /// <summary>Skips (or, where OpenCL is required, fails) when <paramref name="engine"/> has no device here.</summary>
    public static void Require(string engine) => RequireNothingMissing(Missing(engine));

    /// <summary>Skips (or fails) with <paramref name="missing"/>, the reason a device is absent; nothing when it is null.</summary>
    public static void RequireNothingMissing(string? missing)
    {
        if (missing is null) return;
        if (Environment.GetEnvironmentVariable("SETGPU_REQUIRE_OPENCL") == "1") Assert.Fail(missing + ", but SETGPU_REQUIRE_OPENCL=1");
        Skip.If(true, missing);
    }
}
