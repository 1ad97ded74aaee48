namespace SetGpu.Bench;

/// <summary>
/// The bytes each kernel family must move per call at the least (every array read or written once; index and value
/// arrays of 4 bytes per entry), for a layer of <c>inputs</c> × <c>outputs</c> with <c>nnz</c> connections and a batch
/// of <c>batch</c> samples (<c>stride</c> lanes for the RBM). Divided by a device's memory bandwidth it gives the time
/// a bandwidth-bound kernel takes there.
/// </summary>
internal static class BandwidthModel
{
    /// <summary>H100 SXM HBM3, bytes per second: the GPU the model's time column is for.</summary>
    public const double GpuBandwidth = 3.35e12;

    /// <summary>Forward SpMM as a gather: incoming index (input, weight index) and the weights, x once, z and a written.</summary>
    public static long SpmmForwardGather(long inputs, long outputs, long nnz, long batch) =>
        12 * nnz + 4 * (outputs + 1) + 4 * outputs + 4 * inputs * batch + 8 * outputs * batch;

    /// <summary>Forward SpMM as a scatter: columns and weights, row offsets, x once; the partial sums (of every partition
    /// but the first, which sums into z) written and read once; z and a written.</summary>
    public static long SpmmForwardScatter(long inputs, long outputs, long nnz, long batch) =>
        8 * nnz + 4 * (inputs + 1) + 4 * inputs * batch + 2 * 4 * (Cpu.SpmmForwardScatter.Partitions - 1) * outputs * batch + 8 * outputs * batch;

    /// <summary>Transposed SpMM backward alone (the ILGPU kernel): columns and weights read, δout gathered, z_in read, δin written.</summary>
    public static long SpmmBackward(long inputs, long outputs, long nnz, long batch) =>
        8 * nnz + 4 * (inputs + 1) + 4 * batch * (outputs + 2 * inputs);

    /// <summary>Backward fused with the update (the CPU twin): columns, weights and momenta read, weights and momenta
    /// written; δout, x and z_in read, δin written.</summary>
    public static long SpmmBackwardUpdate(long inputs, long outputs, long nnz, long batch) =>
        20 * nnz + 4 * (inputs + 1) + 4 * batch * (outputs + 3 * inputs);

    /// <summary>SDDMM weight update: as the fused sweep without z_in and δin; each optimiser state array beyond the first
    /// is read and written too (Adam's second moment).</summary>
    public static long SddmmUpdate(long inputs, long outputs, long nnz, long batch, int states = 1) =>
        (20 + 8 * (states - 1)) * nnz + 4 * (inputs + 1) + 4 * batch * (outputs + inputs);

    /// <summary>SReLU step: z and δ read, δ written, four parameters per neuron and their state read and written.</summary>
    public static long SReluUpdate(long outputs, long batch, int states) => 12 * outputs * batch + 4 * 4 * 2 * (1 + states) * outputs;

    /// <summary>Bias update: δ read once, biases and their momenta read and written.</summary>
    public static long BiasUpdate(long outputs, long batch) => 4 * outputs * batch + 16 * outputs;

    /// <summary>
    /// Threshold select and prune: five passes over the weights (sign count, three radix digits, marking), the removal
    /// mask written, row offsets read and survivors per row written.
    /// </summary>
    public static long Prune(long rows, long nnz) => 5 * 4 * nnz + nnz + 8 * rows + 4;

    /// <summary>
    /// Regrowth (sparse mode): the removal mask and the old columns read once, and per new position an 8-byte candidate
    /// written, sorted in cache and read, and its 8-byte position written.
    /// </summary>
    public static long Regrowth(long nnz, double zeta) => (long)(5 * nnz + zeta * nnz * 24);

    /// <summary>
    /// CSR rebuild and incoming index: survivors' columns, weights, momenta and mask read, new columns, weights and
    /// momenta written, accepted positions read; the incoming index reads the columns, writes and reads 8-byte entries
    /// and writes inputs and weight indices; offsets of both.
    /// </summary>
    public static long CsrRebuild(long rows, long columns, long nnz, double zeta) =>
        (long)(13 * nnz + 12 * nnz + zeta * nnz * 8 + 4 * nnz + 16 * nnz + 8 * nnz) + 4 * (rows + 1) + 4 * (columns + 1);

    /// <summary>
    /// One evolution step: five passes over the weights (sign count, three radix digits, marking), the removal mask
    /// written and read, survivors' columns, weights and momenta read and written once, and ζ·nnz new positions
    /// (8-byte candidates written, sorted in cache, and their columns written).
    /// </summary>
    public static long Evolution(long nnz, double zeta) => (long)(nnz * (5 * 4 + 2 + 12 + 12) + zeta * nnz * 12);

    /// <summary>Exclusive scan: the input read and the output written once.</summary>
    public static long Scan(long n, int elementBytes) => 2 * n * elementBytes;

    /// <summary>RBM gather of the hidden units: incoming index and weights, the visible block once, the hidden block written.</summary>
    public static long RbmGather(long visible, long hidden, long nnz, long stride) =>
        12 * nnz + 4 * (hidden + 1) + 4 * hidden + 4 * visible * stride + 4 * hidden * stride;

    /// <summary>CD weight update: columns read, weights and momenta read and written; the four blocks read once.</summary>
    public static long CdUpdate(long visible, long hidden, long nnz, long stride) =>
        20 * nnz + 4 * (visible + 1) + 4 * stride * 2 * (visible + hidden);

    /// <summary>CD bias updates: data and model blocks of both layers read, biases and momenta read and written.</summary>
    public static long CdBiases(long visible, long hidden, long stride) => 4 * stride * 2 * (visible + hidden) + 16 * (visible + hidden);

    /// <summary>This machine's memory bandwidth: a parallel copy of 256 MiB, best of five, in bytes per second.</summary>
    public static double MeasureHostBandwidth()
    {
        const int n = 64 << 20; // floats: 256 MiB each way
        var source = new float[n];
        var target = new float[n];
        new Span<float>(source).Fill(1f);
        int parts = Environment.ProcessorCount;
        double best = 0;
        for (int run = 0; run < 5; run++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Parallel.For(0, parts, p =>
            {
                int start = (int)((long)n * p / parts), end = (int)((long)n * (p + 1) / parts);
                source.AsSpan(start, end - start).CopyTo(target.AsSpan(start, end - start));
            });
            best = Math.Max(best, 2.0 * 4 * n / clock.Elapsed.TotalSeconds); // read + write
        }
        return best;
    }
}
