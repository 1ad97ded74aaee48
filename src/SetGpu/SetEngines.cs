using SetGpu.Cpu;
using SetGpu.Cpu.Rbm;
using SetGpu.Gpu;
using SetGpu.Gpu.Rbm;
using SetGpu.Model;
using SetGpu.Rbm;
using SetGpu.Training;

namespace SetGpu;

/// <summary>
/// Puts a model on a device: the one factory for every model and engine. <see cref="DeviceKind.Auto"/> picks a CUDA
/// GPU, else an OpenCL GPU, else the CPU engine (ILGPU's CPU accelerator is for checking kernels, not for speed),
/// opening the device it finds once. A named device that is absent is a <see cref="DeviceUnavailableException"/> that
/// lists what was found.
/// </summary>
public static class SetEngines
{
    /// <summary>An engine of <paramref name="device"/> holding <paramref name="network"/> (the CPU engine trains it in place; an ILGPU engine copies it).</summary>
    public static IMlpEngine CreateMlp(SparseNetwork network, Device device) =>
        Create<IMlpEngine>(device, () => new CpuEngine(network), session => new IlgpuEngine(session, network));

    /// <summary>
    /// A new network of <paramref name="spec"/> (validated here) made by <paramref name="create"/> and put on
    /// <paramref name="device"/>, after the memory check (<see cref="MemoryCheck"/>: against
    /// <paramref name="maxMemory"/> bytes, or the device's memory when null) has found that it fits.
    /// </summary>
    public static IMlpEngine CreateMlp(SetMlpSpec spec, Device device, long? maxMemory, Func<SetMlpSpec, SparseNetwork> create)
    {
        spec.Validate();
        return Create<IMlpEngine>(device,
            () =>
            {
                MemoryCheck.EnsureCpu(spec, maxMemory);
                return new CpuEngine(create(spec));
            },
            session =>
            {
                MemoryCheck.EnsureDevice(spec, session, maxMemory);
                return new IlgpuEngine(session, create(spec));
            });
    }

    /// <summary>An engine of <paramref name="device"/> holding <paramref name="rbm"/> (the CPU engine trains it in place; an ILGPU engine copies it).</summary>
    public static IRbmEngine CreateRbm(SparseRbm rbm, Device device) =>
        Create<IRbmEngine>(device, () => new CpuRbmEngine(rbm), session => new IlgpuRbmEngine(session, rbm));

    static T Create<T>(Device device, Func<T> cpu, Func<IlgpuSession, T> ilgpu) where T : class
    {
        if (device.Kind == DeviceKind.Cpu) return cpu();
        var session = device.Kind == DeviceKind.Auto ? IlgpuSession.OpenBestGpu() : IlgpuSession.Open(device);
        if (session is null) return cpu();
        try { return ilgpu(session); }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
