using SetGpu.Bench;
using SetGpu.Gpu.Kernels;
using SetGpu.Model;

namespace SetGpu.GpuBundle;

/// <summary>
/// What the bandwidth model (<see cref="BandwidthModel"/>) predicts for a training epoch of the ILGPU engine: the bytes
/// its kernels must move, and the time those bytes take at a bandwidth. A step launches, per layer, the forward gather,
/// the transposed backward (not for the first layer), the SDDMM update and the bias update, plus the input gather and
/// the output layer's loss: 4 L + 1 kernels for L layers, on blocks of <see cref="TrainingKernels.Lanes"/>(batch) lanes.
/// An evolution is <see cref="BandwidthModel.Evolution"/> per layer.
/// </summary>
/// <param name="Connections">The network's connections.</param>
/// <param name="Steps">Training steps per epoch.</param>
/// <param name="StepBytes">Bytes one step moves.</param>
/// <param name="EvolutionBytes">Bytes one evolution of every layer moves.</param>
/// <param name="LaunchesPerStep">Kernels one step launches.</param>
internal sealed record EpochPrediction(long Connections, int Steps, long StepBytes, long EvolutionBytes, int LaunchesPerStep)
{
    /// <summary>The H200's HBM3e, bytes per second, by NVIDIA's datasheet: the budget's GPU.</summary>
    public const double H200Bandwidth = 4.8e12;

    /// <summary>
    /// An assumed cost of one kernel launch, for the launch floor: ILGPU's launch through the driver. Where a row's
    /// bytes take less time than its launches, the launches bound it; the first GPU run measures this.
    /// </summary>
    public const double SecondsPerLaunch = 5e-6;

    public long TrainBytes => StepBytes * Steps;
    public long Launches => (long)Steps * LaunchesPerStep;
    public double TrainSeconds(double bandwidth) => TrainBytes / bandwidth;
    public double EvolutionSeconds(double bandwidth) => EvolutionBytes / bandwidth;
    public double LaunchFloorSeconds => Launches * SecondsPerLaunch;

    /// <summary>The prediction for <paramref name="spec"/> trained on <paramref name="samples"/> samples per epoch.</summary>
    public static EpochPrediction For(SetMlpSpec spec, int samples)
    {
        int batch = spec.BatchSize, lanes = TrainingKernels.Lanes(batch), layers = spec.LayerCount;
        long step = (long)spec.LayerSizes[0] * (batch + lanes) * 4; // the input block: batch rows read, the block written
        long evolution = 0, connections = 0;
        for (int l = 0; l < layers; l++)
        {
            long inputs = spec.LayerSizes[l], outputs = spec.LayerSizes[l + 1], nnz = spec.InitialConnections(l);
            connections += nnz;
            step += BandwidthModel.SpmmForwardGather(inputs, outputs, nnz, lanes)
                    + (l > 0 ? BandwidthModel.SpmmBackward(inputs, outputs, nnz, lanes) : 0)
                    + BandwidthModel.SddmmUpdate(inputs, outputs, nnz, lanes)
                    + BandwidthModel.BiasUpdate(outputs, lanes);
            evolution += BandwidthModel.Evolution(nnz, spec.Zeta);
        }
        step += 3L * 4 * spec.LayerSizes[^1] * lanes; // the output layer's loss: z and a read, δ written
        return new EpochPrediction(connections, (samples + batch - 1) / batch, step, evolution, 4 * layers + 1);
    }
}
