using SetGpu.Cli;

// SetGpu's command-line trainer: train, predict, export, plot.
return CliApp.Create().Parse(args).Invoke();
