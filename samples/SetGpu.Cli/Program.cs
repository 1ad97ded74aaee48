using System.CommandLine;
using SetGpu.Cli;

// SetGpu's command-line trainer: one subcommand per use.
var root = new RootCommand("SetGpu: truly sparse neural networks trained with Sparse Evolutionary Training (SET).")
{
    TrainCommand.Create(),
    RbmCommand.Create(),
};
return root.Parse(args).Invoke();
