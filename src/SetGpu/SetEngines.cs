using SetGpu.Gpu;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cpu;

/// <summary>Makes an engine by name (the names of the command line's <c>--engine</c>) for a network.</summary>
public static class SetEngines
{
    /// <summary>The engine names: auto, cuda, opencl, ilgpu-cpu, cpu.</summary>
    public static IReadOnlyList<string> Names { get; } = ["auto", "cuda", "opencl", "ilgpu-cpu", "cpu"];

    /// <summary>
    /// An engine of the named kind for <paramref name="network"/> (a fresh one, or one loaded from a checkpoint with its
    /// optimiser state). auto prefers a CUDA device, then an OpenCL GPU, then the CPU engine (ILGPU's CPU accelerator is
    /// for checking kernels, not for speed). A named device that is absent is an error listing what was found.
    /// </summary>
    public static ISetEngine Create(string name, SparseNetwork network, TrainingOptions options) => name switch
    {
        "cpu" => new CpuEngine(network, options),
        "cuda" or "opencl" or "ilgpu-cpu" => new IlgpuEngine(network, options, name),
        "auto" => Auto(network, options),
        _ => throw new ArgumentException($"unknown engine '{name}'; available: {string.Join(", ", Names)}"),
    };

    static ISetEngine Auto(SparseNetwork network, TrainingOptions options)
    {
        using (var context = IlgpuDevices.CreateContext())
        {
            if (IlgpuDevices.HasCuda(context)) return new IlgpuEngine(network, options, "cuda");
            if (IlgpuDevices.OpenClDevices(context).Any(d => d.DeviceType.ToString().Contains("GPU", StringComparison.Ordinal)))
                return new IlgpuEngine(network, options, "opencl");
        }
        return new CpuEngine(network, options);
    }
}
