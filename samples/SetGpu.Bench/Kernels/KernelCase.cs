namespace SetGpu.Bench.Kernels;

/// <summary>
/// One kernel family on one backend, set up and ready: <see cref="Run"/> launches it once and waits for it to finish.
/// <see cref="Bytes"/> is what <see cref="BandwidthModel"/> says it must move.
/// </summary>
/// <param name="Family">The family's name (spmm-forward, prune, …).</param>
/// <param name="Variant">Which form of it (gather, scatter, fused, …).</param>
/// <param name="Bytes">The bytes one call must move at the least.</param>
/// <param name="Run">One call, synchronised.</param>
internal sealed record KernelCase(string Family, string Variant, long Bytes, Action Run);
