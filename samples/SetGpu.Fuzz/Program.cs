using SetGpu.Fuzz;

// The fuzz targets of SetGpu's readers (docs/testing.md#fuzzing):
//   SetGpu.Fuzz TARGET                 under afl-fuzz: the fork server; otherwise one input from standard input
//   SetGpu.Fuzz TARGET FILE|DIR …      replays inputs, prints each outcome, exits 1 on any finding
//   SetGpu.Fuzz seeds OUT [DATA]       writes the seed corpora (OUT/TARGET/…) from DATA (default ../shared/data)
return FuzzProgram.Run(args);
