using System.Text.Json.Serialization;

namespace SetGpu.Bench.Peers;

/// <summary>
/// What one peer measured on one shape, in one process: the JSON that SetGpu's child and the python peers
/// (Peers/common.py) both write, with the same names.
/// </summary>
internal sealed record PeerResult
{
    public string Peer { get; init; } = "";
    public int[] Layers { get; init; } = [];
    public int Batch { get; init; }
    public int Threads { get; init; }
    /// <summary>Connections per layer after creation.</summary>
    public long[] Connections { get; init; } = [];
    public int TrainSamples { get; init; }
    public int TestSamples { get; init; }
    public double MajorityRate { get; init; }
    /// <summary>Σ of the training features, in double: shows that every peer read the same samples.</summary>
    public double DataChecksum { get; init; }
    public double CreateSeconds { get; init; }
    /// <summary>Seconds per epoch of training, of evolution, and the test accuracy after each epoch.</summary>
    public double[] Train { get; init; } = [];
    public double[] Evolution { get; init; } = [];
    public double[] Accuracy { get; init; } = [];
    /// <summary>Whether the run stopped at its time limit; then the epoch's time is estimated from the batches done.</summary>
    public bool TimedOut { get; init; }
    public double? EstimatedTrainSeconds { get; init; }
    /// <summary>The process's peak resident set (VmHWM, ru_maxrss), data and runtime included.</summary>
    public long PeakRssBytes { get; init; }
    /// <summary>The BLAS library the process loaded (python peers), from /proc/self/maps.</summary>
    public string? Blas { get; init; }

    /// <summary>Median of the epochs after the first (a warm-up) when there are several, as the scaling rows take it.</summary>
    public static double Typical(double[] values) =>
        values.Length == 0 ? double.NaN : Statistics.Median(values.Length > 1 ? values.Skip(1) : values);

    [JsonIgnore] public double TrainSeconds => Typical(Train);
    [JsonIgnore] public double EvolutionSeconds => Typical(Evolution);
    [JsonIgnore] public double? FinalAccuracy => Accuracy.Length > 0 ? Accuracy[^1] : null;
    [JsonIgnore] public long TotalConnections => Connections.Sum();
}
