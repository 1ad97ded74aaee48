using SetGpu.Cli;

// SetGpu's command-line trainer: train, predict, export, plot, rbm.
if (args is [RankObserver.Command, .. var ranks]) return RankObserver.Run(ranks); // started by --distributed
return CliApp.Create().Parse(args).Invoke();
