using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SetGpu.Cpu;

/// <summary>
/// Arrays for the blocks the kernels read and write at random places (activations, deltas, partial sums). On Linux a
/// large one is pinned and its interior is advised to transparent huge pages before it is first touched: a random
/// access into a block of tens of megabytes then costs one cache miss instead of a page walk as well (with 4 KB
/// pages the TLB covers a few megabytes). Elsewhere, or for small arrays, a plain array.
/// </summary>
internal static class HugePages
{
    const long HugePage = 2 << 20;
    const int MadviseHugePage = 14; // MADV_HUGEPAGE

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    static extern int Madvise(nint address, nuint length, int advice);

    static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>A zeroed float array of <paramref name="length"/> elements, huge-page backed where possible.</summary>
    public static unsafe float[] Allocate(long length)
    {
        if (_unavailable || length * sizeof(float) < 4 * HugePage) return new float[length];
        // The runtime does not touch an uninitialised array, so the advice comes before the first page fault.
        var array = GC.AllocateUninitializedArray<float>(checked((int)length), pinned: true);
        long start = (long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        long end = start + length * sizeof(float);
        long alignedStart = (start + HugePage - 1) & ~(HugePage - 1), alignedEnd = end & ~(HugePage - 1);
        try
        {
            if (alignedEnd > alignedStart) Madvise((nint)alignedStart, (nuint)(alignedEnd - alignedStart), MadviseHugePage);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
        }
        Array.Clear(array); // the first touch: faults in huge pages where advised (and recycled memory is zeroed)
        return array;
    }
}
