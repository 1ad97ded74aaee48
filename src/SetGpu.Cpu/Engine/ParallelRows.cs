namespace SetGpu.Cpu;

/// <summary>A kernel over a range of rows; a struct so that each kernel gets its own specialised loop.</summary>
internal interface IRowKernel
{
    /// <summary>Computes rows [start, end).</summary>
    void Execute(int start, int end);
}

/// <summary>
/// Runs a kernel over rows on all cores when the work is large enough to repay the hand-off, and inline when it
/// is not (a batch-2 step of a small layer takes microseconds, less than waking the thread pool).
/// Each row is computed by one thread in a fixed order, so results never depend on the thread count.
/// Kernels mark Execute with AggressiveOptimization: they run hot from the first call, and tier-0 code of these
/// loops is five times slower than optimised code.
/// </summary>
internal static class ParallelRows
{
    /// <summary>Below this many multiply-adds a kernel runs on the calling thread (SETGPU_MIN_PARALLEL_WORK overrides).</summary>
    public static readonly long MinParallelWork =
        long.TryParse(Environment.GetEnvironmentVariable("SETGPU_MIN_PARALLEL_WORK"), out long v) ? v : 1 << 14;

    static readonly int Workers = WorkerPool.Threads;

    /// <summary>Runs every kernel on the calling thread (tests use it to show results do not depend on threads).</summary>
    internal static bool ForceSerial { get; set; }

    /// <summary>Runs <paramref name="kernel"/> over [0, rows) in contiguous ranges.</summary>
    public static void For<TKernel>(int rows, long work, TKernel kernel) where TKernel : struct, IRowKernel
    {
        if (rows <= 0) return;
        if (Workers == 1 || ForceSerial || work < MinParallelWork || rows < 2)
        {
            kernel.Execute(0, rows);
            return;
        }
        // One range per core for modest work (fewer hand-offs); more ranges to balance uneven rows when it is large.
        int chunks = Math.Min(rows, work < 16 * MinParallelWork ? Workers : Workers * 4);
        WorkerPool.Run(kernel, rows, chunks);
    }

    /// <summary>Runs <paramref name="kernel"/> over [0, items), each item a range of its own when it runs in parallel
    /// (items that wait for lower ones must not share a range with a higher one's wait).</summary>
    public static void ForEach<TKernel>(int items, long work, TKernel kernel) where TKernel : struct, IRowKernel
    {
        if (items <= 0) return;
        if (Workers == 1 || ForceSerial || work < MinParallelWork || items < 2)
        {
            kernel.Execute(0, items);
            return;
        }
        WorkerPool.Run(kernel, items, items);
    }
}
