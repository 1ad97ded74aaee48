using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SetGpu.Bench.Micro;

/// <summary>A short in-process job (no separate build), plus the bandwidth-model columns.</summary>
public sealed class MicroConfig : ManualConfig
{
    public MicroConfig()
    {
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("short"));
        AddColumn(new BandwidthColumn(BandwidthColumn.Kind.Bytes), new BandwidthColumn(BandwidthColumn.Kind.Rate),
                  new BandwidthColumn(BandwidthColumn.Kind.FractionOfHost), new BandwidthColumn(BandwidthColumn.Kind.GpuModel));
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}
