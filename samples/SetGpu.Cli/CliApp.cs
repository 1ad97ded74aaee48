using System.CommandLine;

namespace SetGpu.Cli;

/// <summary>The command line: one subcommand per use.</summary>
internal static class CliApp
{
    public static RootCommand Create() => new("SetGpu: truly sparse neural networks trained with Sparse Evolutionary Training (SET).")
    {
        TrainCommand.Create(),
        PredictCommand.Create(),
        ExportCommand.Create(),
        PlotCommand.Create(),
        RbmCommand.Create(),
    };
}
