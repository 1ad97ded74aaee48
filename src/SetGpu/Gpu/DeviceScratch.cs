using ILGPU;
using ILGPU.Runtime;

namespace SetGpu.Gpu;

/// <summary>
/// Device buffers of one evolution step, freed together after the stream has finished with them (the stages of
/// <see cref="DeviceEvolution"/> allocate their temporaries here).
/// </summary>
internal sealed class DeviceScratch(Accelerator accelerator) : IDisposable
{
    readonly List<MemoryBuffer> buffers = [];

    /// <summary>A buffer of exactly <paramref name="length"/> elements (at least one is allocated for an empty one).</summary>
    public MemoryBuffer1D<T, Stride1D.Dense> Alloc<T>(long length) where T : unmanaged
    {
        if (length <= 0) throw new ArgumentOutOfRangeException(nameof(length), "scratch buffers must not be empty");
        var buffer = accelerator.Allocate1D<T>(length);
        buffers.Add(buffer);
        return buffer;
    }

    /// <summary>Temporary storage of an exclusive scan over <paramref name="length"/> elements of <typeparamref name="T"/>.</summary>
    public ArrayView<int> ScanTemp<T>(DeviceScan scan, long length) where T : unmanaged =>
        Alloc<int>(Math.Max(1L, scan.TempInts<T>(length))).View;

    /// <summary>Keeps the buffers allocated so far (they now belong to someone else).</summary>
    public void Release() => buffers.Clear();

    /// <summary>Waits for the stream, then frees every buffer.</summary>
    public void Dispose()
    {
        if (buffers.Count == 0) return;
        accelerator.Synchronize();
        foreach (var buffer in buffers) buffer.Dispose();
        buffers.Clear();
    }
}
