using System.Diagnostics;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Bench;

/// <summary>
/// Times each training kernel of one engine (cpu, ilgpu-cpu, opencl, cuda) on layer 1 of an N-N-N network with ε = 20,
/// through the engines' kernel probe, next to the bytes the bandwidth model says it must move: a quick per-kernel
/// view without BenchmarkDotNet's minutes (`micro` is the careful version). The CPU engine fuses backward and update;
/// its Backward row is that fused sweep and its WeightUpdate row the update alone.
/// </summary>
internal static class ProbeTimes
{
    /// <summary>The N-N-N network (ε = 20, sigmoid output, MSE) whose layer 1 the probes and the micro-benchmarks time.</summary>
    public static SparseNetwork Network(int neurons, int batch = 32) => SparseNetwork.Create(new SetMlpSpec
    {
        LayerSizes = [neurons, neurons, neurons], OutputActivation = OutputActivation.Sigmoid, Loss = LossKind.Mse, Epsilon = 20,
        BatchSize = batch, Seed = 1,
    });

    public static void Run(string engineName, int neurons, int batch, int reps)
    {
        var network = Network(neurons, batch);
        using var engine = ScalingRow.CreateEngine(engineName, network);
        var probe = (IKernelProbe)engine;
        long nnz = network.Layers[1].Connections;
        double host = BandwidthModel.MeasureHostBandwidth();
        Console.WriteLine($"{engine.Name} ({engine.Device}): layer {neurons}x{neurons}, {nnz:N0} connections, batch {batch}; host bandwidth {host / 1e9:F1} GB/s");
        (ProbeKernel Kernel, long Bytes)[] kernels =
        [
            (ProbeKernel.Forward, BandwidthModel.Forward(neurons, neurons, nnz, batch)),
            (ProbeKernel.Backward, BandwidthModel.Backward(neurons, neurons, nnz, batch)),
            (ProbeKernel.WeightUpdate, BandwidthModel.Update(neurons, neurons, nnz, batch)),
        ];
        foreach (var (kernel, bytes) in kernels)
        {
            for (int i = 0; i < 3; i++) probe.RunKernel(kernel, 1);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) probe.RunKernel(kernel, 1);
            double seconds = clock.Elapsed.TotalSeconds / reps;
            Console.WriteLine($"{kernel,-13} {seconds * 1e6,9:F0} us  {bytes / 1e6,7:F2} MB  {bytes / seconds / 1e9,6:F2} GB/s  {bytes / seconds / host,5:P0} of host");
        }
    }
}
