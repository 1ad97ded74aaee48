using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SetGpu.Bench.Micro;

/// <summary>
/// The bandwidth model beside each measured kernel: the bytes it must move at the least (<see cref="BandwidthModel"/>),
/// the rate that makes with the measured mean, that rate as a fraction of this machine's measured copy bandwidth, and
/// the time the same bytes take at an H100's 3.35 TB/s.
/// </summary>
public sealed class BandwidthColumn(BandwidthColumn.Kind kind) : IColumn
{
    public enum Kind { Bytes, Rate, FractionOfHost, GpuModel }

    static readonly Lazy<double> HostBandwidth = new(BandwidthModel.MeasureHostBandwidth);
    const double GpuBandwidth = BandwidthModel.GpuBandwidth;

    public string Id => $"bandwidth-{kind}";
    public string ColumnName => kind switch
    {
        Kind.Bytes => "Model MB",
        Kind.Rate => "GB/s",
        Kind.FractionOfHost => "Of host BW",
        _ => "H100 model us",
    };
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => (int)kind;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => kind switch
    {
        Kind.Bytes => "Bytes the kernel must move at the least (bandwidth model)",
        Kind.Rate => "Model bytes / mean time",
        Kind.FractionOfHost => "Rate / this machine's measured parallel-copy bandwidth",
        _ => "Model bytes at 3.35 TB/s (H100 SXM): the time a bandwidth-bound GPU kernel takes",
    };
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        long bytes = ModelBytes(benchmarkCase);
        double? seconds = summary[benchmarkCase]?.ResultStatistics?.Mean * 1e-9;
        return kind switch
        {
            Kind.Bytes => $"{bytes / 1e6:F2}",
            Kind.Rate => seconds is { } s ? $"{bytes / s / 1e9:F1}" : "?",
            Kind.FractionOfHost => seconds is { } s ? $"{bytes / s / HostBandwidth.Value:P0}" : "?",
            _ => $"{bytes / GpuBandwidth * 1e6:F2}",
        };
    }

    static long ModelBytes(BenchmarkCase benchmarkCase) => KernelBenchmarks.ModelBytes.GetValueOrDefault(
        ((string)benchmarkCase.Parameters["Backend"], (string)benchmarkCase.Parameters["Family"], (int)benchmarkCase.Parameters["Batch"]));
}
