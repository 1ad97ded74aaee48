namespace SetGpu.KernelsTests.Support;

/// <summary>
/// The rule of every test on a device backend, <see cref="Requirement"/>'s: where the backend's device is not found
/// (OpenCL: no OpenCL 2.0 device with generic address space; CUDA: no CUDA device) the test is skipped, with the reason;
/// where SETGPU_REQUIRE names the backend (opencl, cuda) the absence is a failure instead. ILGPU's CPU accelerator is
/// always there.
/// </summary>
internal static class RequiredDevice
{
    static Requirement? Of(string engine) => engine switch
    {
        "opencl" => Requirement.OpenCl,
        "cuda" => Requirement.Cuda,
        _ => null,
    };

    /// <summary>Why <paramref name="engine"/> cannot run on this machine, or null when it can.</summary>
    public static string? Missing(string engine) => Of(engine)?.Missing;

    /// <summary>Skips (or, where the device is required, fails) when <paramref name="engine"/> has no device here.</summary>
    public static void Require(string engine) => Of(engine)?.Require();
}
