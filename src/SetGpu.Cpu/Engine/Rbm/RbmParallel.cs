namespace SetGpu.Cpu.Rbm;

/// <summary>
/// Where the RBM kernels run: on the worker pool when a loop is large enough to repay the hand-off. A CD step of
/// COIL20's RBM (12,240 connections, batch 10 in 16 lanes) is four loops of 20–40 µs. On this 2-core machine, quiet,
/// splitting them over both cores (the worker pool's spinning workers) measured 0.0100–0.0106 s of training per epoch
/// against 0.0138–0.0142 s on the calling thread alone (whole epochs 0.016–0.017 s against 0.021 s). When another
/// busy process shares the cores the hand-off costs more than it saves (session 2 measured 15–28 ms against 13–14 ms):
/// SETGPU_RBM_MIN_PARALLEL_WORK=1048576 keeps such loops on one thread.
/// </summary>
internal static class RbmParallel
{
    /// <summary>Below this many multiply-adds (connections × lanes) an RBM loop stays on the calling thread (SETGPU_RBM_MIN_PARALLEL_WORK overrides).</summary>
    public static long MinParallelWork { get; set; } =
        long.TryParse(Environment.GetEnvironmentVariable("SETGPU_RBM_MIN_PARALLEL_WORK"), out long v) ? v : 1 << 15;

    /// <summary>Runs <paramref name="kernel"/> over [0, rows), inline for small work, else through <see cref="ParallelRows"/>.</summary>
    public static void For<TKernel>(int rows, long work, TKernel kernel) where TKernel : struct, IRowKernel
    {
        if (rows <= 0) return;
        if (work < MinParallelWork) kernel.Execute(0, rows);
        else ParallelRows.For(rows, work, kernel);
    }
}
