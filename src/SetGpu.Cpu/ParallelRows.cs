namespace SetGpu.Cpu;

/// <summary>
/// Runs a loop over rows on all cores when the work is large enough to repay the hand-off, and inline when it
/// is not (a batch-2 step of a small layer takes microseconds, less than waking the thread pool).
/// Each row is computed by one thread in a fixed order, so results never depend on the thread count.
/// </summary>
internal static class ParallelRows
{
    /// <summary>Below this many multiply-adds a loop runs on the calling thread.</summary>
    public static readonly long MinParallelWork =
        long.TryParse(Environment.GetEnvironmentVariable("SETGPU_MIN_PARALLEL_WORK"), out long v) ? v : 1 << 16;

    static readonly int Workers = Environment.ProcessorCount;

    /// <summary>Calls <paramref name="body"/>(start, end) over [0, rows) in contiguous ranges.</summary>
    public static void For(int rows, long work, Action<int, int> body)
    {
        if (rows <= 0) return;
        if (Workers == 1 || work < MinParallelWork || rows < 2)
        {
            body(0, rows);
            return;
        }
        int chunks = Math.Min(rows, Workers * 4);
        Parallel.For(0, chunks, c =>
        {
            int start = (int)((long)rows * c / chunks), end = (int)((long)rows * (c + 1) / chunks);
            body(start, end);
        });
    }
}
