using SetGpu.Cli;

// SetGpu's command-line trainer: train, predict, export, plot, rbm, autoencoder, select, distance.
if (args is [RankObserver.Command, .. var ranks]) return RankObserver.Run(ranks); // started by --distributed
return CliApp.Create().Parse(args).Invoke();
