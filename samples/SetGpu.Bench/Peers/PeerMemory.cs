namespace SetGpu.Bench.Peers;

/// <summary>
/// The memory each peer needs on a shape, predicted from what it allocates, so that a row that cannot fit is skipped
/// with "OOM: needs X GB" instead of the kernel killing the machine's other work.
/// </summary>
internal static class PeerMemory
{
    /// <summary>Python, PyTorch and their libraries, resident before any tensor (measured: about 0.35 GB).</summary>
    const double PythonRuntime = 0.5e9;
    /// <summary>The .NET runtime and SetGpu.</summary>
    const double DotnetRuntime = 0.2e9;

    /// <summary>Bytes the peer needs at its peak, data included (the dataset's features as float32, train and test),
    /// with a tenth more as a margin: a prediction that falls short lets the kernel kill the machine's other work.</summary>
    public static double Needed(string peer, PeerShape shape, long dataBytes) => 1.1 * (peer switch
    {
        // weight, momentum and gradient (4 bytes each) and a bool mask per dense position, and OpenBLAS's buffers
        // (measured: 3.72 GB at 10,000 per layer, 13.8 bytes per position over the runtime)
        "masked" => PythonRuntime + dataBytes + 14.0 * shape.DensePositions,
        // weight, momentum and gradient per position, and the initialiser's two temporaries of the largest layer
        "dense" => PythonRuntime + dataBytes + 12.0 * shape.DensePositions + 8.0 * LargestLayer(shape),
        // positions, rows, columns (int64), values, momentum, the transposed copy and its order, the CSR arrays; the
        // weight gradient's gather holds two batch × connections blocks; evolution doubles the index arrays
        "sparse" => PythonRuntime + dataBytes + (100.0 + 12.0 * shape.Batch) * shape.Connections,
        // SetGpu's peak with a margin: 20 bytes per connection at large widths, up to 34 at small ones (docs/bench/scaling.md)
        _ => DotnetRuntime + dataBytes + 32.0 * shape.Connections,
    });

    static long LargestLayer(PeerShape shape) => shape.Layers.Zip(shape.Layers.Skip(1), (a, b) => (long)a * b).Max();
}
