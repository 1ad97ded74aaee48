using SetGpu.Cpu;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>Turns an --engine name into an engine for a network.</summary>
internal static class EngineFactory
{
    public static readonly string[] Names = ["auto", "cpu"];

    public static ISetEngine Create(string name, SparseNetwork network, TrainingOptions options) => name switch
    {
        "auto" or "cpu" => new CpuEngine(network, options),
        _ => throw new ArgumentException($"unknown engine '{name}'; available: {string.Join(", ", Names)}"),
    };
}
