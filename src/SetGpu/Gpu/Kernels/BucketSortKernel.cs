using ILGPU;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// Sorts buckets of 64-bit entries in place, one work item per bucket: a row's regrowth candidates
/// (<see cref="RegrowthKernels"/>) and a column's incoming connections (<see cref="IncomingIndexKernels"/>). Single-exit
/// loops only (PoCL's compiler crashed on early exits).
/// </summary>
internal static class BucketSortKernel
{
    /// <summary>Buckets up to this size are insertion-sorted whatever their order.</summary>
    const int InsertionSortLimit = 32;

    /// <summary>Larger buckets stay with insertion sort while it has moved at most this many entries per entry.</summary>
    const int InsertionMovesPerEntry = 4;

    /// <summary>
    /// One work item per bucket [offsets[b], offsets[b + 1]): sorts its entries ascending in place. Insertion sort
    /// first: small buckets (the usual case: a row's candidates, a column's connections) and nearly sorted ones (a
    /// scatter that ran in order) take O(n). A large bucket whose insertion sort exceeds its budget of moves is
    /// heap-sorted instead (O(n log n) for a skewed layer with few rows or few columns). Deterministic because the
    /// entries of a bucket are distinct.
    /// </summary>
    public static void SortBuckets(ArrayView<int> offsets, int buckets, ArrayView<long> entries)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int b = Grid.GlobalLinearIndex; b < buckets; b += stride)
        {
            int start = offsets[b], end = offsets[b + 1], n = end - start;
            long budget = n <= InsertionSortLimit ? (long)n * n : (long)InsertionMovesPerEntry * n;
            if (!InsertionSort(entries, start, end, budget)) HeapSort(entries, start, n);
        }
    }

    /// <summary>
    /// Insertion sort of a[start, end) that gives up (returning false, the range still a permutation of itself) once
    /// it has moved more than <paramref name="budget"/> entries.
    /// </summary>
    static bool InsertionSort(ArrayView<long> a, int start, int end, long budget)
    {
        long moves = 0;
        for (int i = start + 1; i < end && moves <= budget; i++)
        {
            long x = a[i];
            int j = i;
            while (j > start && a[j - 1] > x)
            {
                a[j] = a[j - 1];
                j--;
            }
            // An entry already in place is not written back: sorted input is only read.
            if (j != i) a[j] = x;
            moves += i - j;
        }
        return moves <= budget;
    }

    /// <summary>Heapsort of a[start, start + n) (max-heap, single-exit loops only).</summary>
    static void HeapSort(ArrayView<long> a, int start, int n)
    {
        for (int i = n / 2 - 1; i >= 0; i--) SiftDown(a, start, i, n);
        for (int last = n - 1; last > 0; last--)
        {
            long top = a[start];
            a[start] = a[start + last];
            a[start + last] = top;
            SiftDown(a, start, 0, last);
        }
    }

    /// <summary>Moves a[start + root] down the max-heap a[start, start + n) (the loop ends by its condition alone).</summary>
    static void SiftDown(ArrayView<long> a, int start, int root, int n)
    {
        long x = a[start + root];
        int child = 2 * root + 1;
        while (child < n)
        {
            if (child + 1 < n && a[start + child + 1] > a[start + child]) child++;
            if (a[start + child] > x)
            {
                a[start + root] = a[start + child];
                root = child;
                child = 2 * root + 1;
            }
            else child = n;
        }
        a[start + root] = x;
    }
}
