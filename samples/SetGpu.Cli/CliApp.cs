using System.CommandLine;

namespace SetGpu.Cli;

/// <summary>The command line: one subcommand per use.</summary>
internal static class CliApp
{
    public static RootCommand Create()
    {
        var helpGroups = new Dictionary<Command, IReadOnlyList<OptionGroup>>();
        var root = new RootCommand("SetGpu: truly sparse neural networks trained with Sparse Evolutionary Training (SET).")
        {
            TrainCommand.Create(helpGroups),
            PredictCommand.Create(),
            ExportCommand.Create(),
            PlotCommand.Create(),
            RbmCommand.Create(helpGroups),
            DistanceCommand.Create(),
            DaeCommand.Create(helpGroups),
            Selection.SelectCommand.Create(),
        };
        GroupedHelp.Install(root, helpGroups);
        return root;
    }
}
