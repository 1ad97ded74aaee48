using ILGPU;

namespace SetGpu.Gpu.Kernels;

/// <summary>Binary search in ascending position lists (the accepted regrowth positions), for the regrowth and rebuild kernels.</summary>
internal static class SortedPositions
{
    /// <summary>First index in the ascending <paramref name="sorted"/>[0, n) whose value is ≥ <paramref name="x"/>.</summary>
    internal static int LowerBound(ArrayView<long> sorted, int n, long x)
    {
        int lo = 0, hi = n;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (sorted[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
