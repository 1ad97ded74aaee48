using ILGPU;
using ILGPU.Runtime;
using SetGpu.Gpu;

namespace SetGpu.KernelsTests.Support;

/// <summary>
/// The accelerators of the listed backends for one test class (an xunit class fixture): each opened on its first use
/// and kept until the class's last test, so that a suite compiles its kernels once per backend.
/// </summary>
public class Accelerators : IDisposable
{
    readonly Dictionary<string, (Context Context, Accelerator Accelerator)> _open = [];

    /// <summary>
    /// The accelerator of backend <paramref name="backend"/> (ilgpu-cpu, opencl, cuda); skips the test, or fails it, as
    /// <see cref="Requirement"/> says, where its device is missing.
    /// </summary>
    public Accelerator Open(string backend)
    {
        var device = Backends.Require(backend);
        lock (_open)
        {
            if (_open.TryGetValue(backend, out var open)) return open.Accelerator;
            var context = IlgpuDevices.CreateContext();
            try
            {
                var accelerator = IlgpuDevices.Open(context, device);
                _open.Add(backend, (context, accelerator));
                return accelerator;
            }
            catch
            {
                context.Dispose();
                throw;
            }
        }
    }

    public virtual void Dispose()
    {
        foreach (var (context, accelerator) in _open.Values)
        {
            accelerator.Dispose();
            context.Dispose();
        }
        _open.Clear();
        GC.SuppressFinalize(this);
    }
}
