namespace SetGpu.Bench;

/// <summary>
/// The bytes each kernel must move per call at the least (every array read or written once; index and value arrays
/// of 4 bytes per entry), for a layer of <c>inputs</c> × <c>outputs</c> with <c>nnz</c> connections and a batch of
/// <c>batch</c> samples. Divided by a device's memory bandwidth it gives the time a bandwidth-bound kernel takes there.
/// </summary>
internal static class BandwidthModel
{
    /// <summary>Forward gather: incoming index (input, weight index) and the weights, x once, z and a written.</summary>
    public static long Forward(long inputs, long outputs, long nnz, long batch) =>
        12 * nnz + 4 * (outputs + 1) + 4 * outputs + 4 * inputs * batch + 8 * outputs * batch;

    /// <summary>Forward scatter: columns and weights, row offsets, x once; the partial sums written and read once; z and a written.</summary>
    public static long SpmmForwardScatter(long inputs, long outputs, long nnz, long batch) =>
        8 * nnz + 4 * (inputs + 1) + 4 * inputs * batch + 2 * 4 * SetGpu.Cpu.SpmmForwardScatter.Partitions * outputs * batch + 8 * outputs * batch;

    /// <summary>Fused backward + update: columns, weights and momenta read, weights and momenta written; δout, x and
    /// z_in read, δin written.</summary>
    public static long SpmmBackwardUpdate(long inputs, long outputs, long nnz, long batch) =>
        20 * nnz + 4 * (inputs + 1) + 4 * batch * (outputs + 3 * inputs);

    /// <summary>Backward alone (the ILGPU engine's kernel): columns and weights read, δout gathered, z_in read, δin written.</summary>
    public static long Backward(long inputs, long outputs, long nnz, long batch) =>
        8 * nnz + 4 * (inputs + 1) + 4 * batch * (outputs + 2 * inputs);

    /// <summary>
    /// One evolution step: five passes over the weights (sign count, three radix digits, marking), the removal mask
    /// written and read, survivors' columns, weights and momenta read and written once, and ζ·nnz new positions
    /// (8-byte candidates written, sorted in cache, and their columns written).
    /// </summary>
    public static long Evolution(long nnz, double zeta) => (long)(nnz * (5 * 4 + 2 + 12 + 12) + zeta * nnz * 12);

    /// <summary>Update only (the first layer): as the fused sweep without z_in and δin.</summary>
    public static long Update(long inputs, long outputs, long nnz, long batch) =>
        20 * nnz + 4 * (inputs + 1) + 4 * batch * (outputs + inputs);

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
