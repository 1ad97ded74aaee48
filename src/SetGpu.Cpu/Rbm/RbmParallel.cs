namespace SetGpu.Cpu.Rbm;

/// <summary>
/// Where the RBM kernels run: on the worker pool only when a loop is large enough to repay the hand-off. A CD step
/// of COIL20's RBM (12,240 connections, batch 10) is four loops of 20–40 µs; on two cores shared with other work,
/// handing half of such a loop to a second thread measured slower (median 15–28 ms per epoch) than running it on the
/// calling thread (13–14 ms), while evaluation batches, dense layers and large data sets do gain from it.
/// </summary>
internal static class RbmParallel
{
    /// <summary>Below this many multiply-adds (connections × lanes) an RBM loop stays on the calling thread (SETGPU_RBM_MIN_PARALLEL_WORK overrides).</summary>
    public static long MinParallelWork { get; set; } =
        long.TryParse(Environment.GetEnvironmentVariable("SETGPU_RBM_MIN_PARALLEL_WORK"), out long v) ? v : 1 << 20;

    /// <summary>Runs <paramref name="kernel"/> over [0, rows), inline for small work, else through <see cref="ParallelRows"/>.</summary>
    public static void For<TKernel>(int rows, long work, TKernel kernel) where TKernel : struct, IRowKernel
    {
        if (rows <= 0) return;
        if (work < MinParallelWork) kernel.Execute(0, rows);
        else ParallelRows.For(rows, work, kernel);
    }
}
