using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using SetGpu.Bench.Kernels;

namespace SetGpu.Bench.Micro;

/// <summary>
/// BenchmarkDotNet micro-benchmarks of the kernel families, each called directly (<see cref="KernelFamilies"/>): on the
/// CPU twin and through its launch class on each ILGPU backend, on the hidden layer of an N-N-N network (ε = 20), with
/// the bytes each must move and the fraction of this machine's bandwidth it reached (<see cref="BandwidthColumn"/>).
/// Where a family has several forms on a backend, the first is timed (the one the engine takes at that batch).
/// </summary>
[Config(typeof(MicroConfig))]
public class KernelBenchmarks
{
    /// <summary>Backends present on this machine (SETGPU_MICRO_BACKENDS, e.g. "opencl,cpu", picks some).</summary>
    public static IEnumerable<string> Backends() => Chosen("SETGPU_MICRO_BACKENDS") ?? KernelBackend.Present();

    /// <summary>Every kernel family (SETGPU_MICRO_FAMILIES, e.g. "spmm-forward,prune", picks some).</summary>
    public static IEnumerable<string> Families() => Chosen("SETGPU_MICRO_FAMILIES") ?? KernelFamilies.All.Select(f => f.Name);

    static string[]? Chosen(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } chosen ? chosen.Split(',') : null;

    [ParamsSource(nameof(Backends))] public string Backend { get; set; } = "cpu";
    [ParamsSource(nameof(Families))] public string Family { get; set; } = "spmm-forward";
    [Params(2, 128)] public int Batch { get; set; }

    /// <summary>The layer width (SETGPU_MICRO_NEURONS, default 30,000).</summary>
    public static int Neurons => int.TryParse(Environment.GetEnvironmentVariable("SETGPU_MICRO_NEURONS"), out int n) ? n : 30_000;

    /// <summary>The model bytes of each (backend, family, batch) timed, for <see cref="BandwidthColumn"/>.</summary>
    internal static readonly ConcurrentDictionary<(string Backend, string Family, int Batch), long> ModelBytes = new();

    KernelBackend? _backend;
    KernelCase? _case;

    [GlobalSetup]
    public void Setup()
    {
        _backend = KernelBackend.Open(Backend);
        var family = KernelFamilies.Named([Family]).Single();
        _case = family.Cases(new KernelProblem(Neurons, 20, Batch, 0.3), _backend).First();
        ModelBytes[(Backend, Family, Batch)] = _case.Bytes;
    }

    [GlobalCleanup]
    public void Cleanup() => _backend?.Dispose();

    /// <summary>One call of the family's kernel, synchronised.</summary>
    [Benchmark] public void Run() => _case!.Run();
}
