using ILGPU.Runtime.Cuda;
using SetGpu.Gpu;

namespace SetGpu.GpuBundle;

/// <summary>A CUDA device as ILGPU's driver bindings see it (ILGPU gives both clocks in MHz: 3,201 for an H200's memory).</summary>
internal sealed record CudaDeviceFacts(int Index, string Name, string Architecture, string InstructionSet, string DriverVersion,
                                       long MemoryBytes, int Multiprocessors, int ClockMHz, int MemoryClockMHz, int BusWidthBits,
                                       int L2CacheBytes)
{
    /// <summary>The memory's nominal bandwidth: double data rate × bus width (bytes per second).</summary>
    public double NominalBytesPerSecond => 2.0 * MemoryClockMHz * 1e6 * BusWidthBits / 8;
}

/// <summary>What ILGPU finds on this machine.</summary>
internal sealed record InventoryResult(string Ilgpu, List<CudaDeviceFacts> Cuda, string? CudaError);

/// <summary>
/// The <c>inventory</c> command: the devices ILGPU finds, and each CUDA device's facts from the driver. It runs in a
/// child process, so that a driver that fails badly fails that child, and the report says so.
/// </summary>
internal static class Inventory
{
    public static void Run(string resultPath)
    {
        using var context = IlgpuDevices.CreateContext();
        var cuda = new List<CudaDeviceFacts>();
        string? error = null;
        try
        {
            var devices = context.GetCudaDevices();
            for (int i = 0; i < devices.Count; i++)
            {
                var d = devices[i];
                cuda.Add(new CudaDeviceFacts(i, d.Name, $"{d.Architecture}", $"{d.InstructionSet}", $"{d.DriverVersion}", d.MemorySize,
                                             d.NumMultiprocessors, d.ClockRate, d.MemoryClockRate, d.MemoryBusWidth, d.L2CacheSize));
            }
        }
        catch (Exception e)
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }
        var result = new InventoryResult(IlgpuDevices.Inventory(context), cuda, error);
        Console.WriteLine($"inventory: {result.Ilgpu}");
        foreach (var d in cuda)
            Console.WriteLine($"inventory: cuda:{d.Index} {d.Name}, {d.Architecture}, PTX {d.InstructionSet}, driver {d.DriverVersion}, " +
                              $"{d.MemoryBytes / (1L << 30)} GiB, {d.Multiprocessors} multiprocessors");
        BundleJson.Write(resultPath, result);
    }
}
