using SetGpu.Cli;

// SetGpu's command-line trainer: train, predict, export, plot, rbm.
return CliApp.Create().Parse(args).Invoke();
