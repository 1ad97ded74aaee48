using SetGpu.Cli;

// SetGpu's command-line trainer: train, predict, export, plot, rbm, autoencoder.
return CliApp.Create().Parse(args).Invoke();
