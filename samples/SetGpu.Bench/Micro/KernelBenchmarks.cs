using BenchmarkDotNet.Attributes;
using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Bench.Micro;

/// <summary>
/// BenchmarkDotNet micro-benchmarks of the kernels one at a time, per engine: the forward pass, the backward pass, the
/// weight update (SDDMM fused with the optimiser) and the evolution step, on the hidden layer of an
/// N-N-N network (ε = 20), with the bytes each must move and the fraction of this machine's bandwidth it reached
/// (<see cref="BandwidthColumn"/>).
/// </summary>
[Config(typeof(MicroConfig))]
public class KernelBenchmarks
{
    /// <summary>Engines present on this machine (SETGPU_MICRO_ENGINES, e.g. "opencl,cpu", picks some).</summary>
    public static IEnumerable<string> Engines()
    {
        if (Environment.GetEnvironmentVariable("SETGPU_MICRO_ENGINES") is { Length: > 0 } chosen)
        {
            foreach (var engine in chosen.Split(',')) yield return engine;
            yield break;
        }
        yield return "cpu";
        yield return "ilgpu-cpu";
        using var context = IlgpuDevices.CreateContext();
        if (IlgpuDevices.OpenClDevices(context).Any()) yield return "opencl";
        if (IlgpuDevices.HasCuda(context)) yield return "cuda";
    }

    [ParamsSource(nameof(Engines))] public string Engine { get; set; } = "cpu";
    [Params(2, 128)] public int Batch { get; set; }
    public static int Neurons => int.TryParse(Environment.GetEnvironmentVariable("SETGPU_MICRO_NEURONS"), out int n) ? n : 30_000;

    ISetEngine? _engine;
    IKernelProbe? _probe;

    [GlobalSetup]
    public void Setup()
    {
        _engine = ScalingRow.CreateEngine(Engine, ProbeTimes.Network(Neurons, Batch));
        _probe = (IKernelProbe)_engine;
    }

    [GlobalCleanup]
    public void Cleanup() => _engine?.Dispose();

    [Benchmark] public void Forward() => _probe!.RunKernel(ProbeKernel.Forward, 1);
    [Benchmark] public void Backward() => _probe!.RunKernel(ProbeKernel.Backward, 1);
    [Benchmark] public void WeightUpdate() => _probe!.RunKernel(ProbeKernel.WeightUpdate, 1);
    [Benchmark] public void Evolution() => _probe!.RunKernel(ProbeKernel.Evolution, 1);

    /// <summary>The layer the benchmarks run on: Neurons × Neurons with ε = 20.</summary>
    public static long Connections => Math.Min((long)Neurons * Neurons, 20L * 2 * Neurons);
}
