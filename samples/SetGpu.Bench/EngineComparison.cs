using SetGpu.Model;

namespace SetGpu.Bench;

/// <summary>
/// The ILGPU engine issue's speed check: the MNIST-shaped model (784-1000-1000-1000-10 by default) at batch 128 on
/// random data, each engine in turn for several rounds, so that every engine sees the same moments of a shared machine.
/// Per engine it prints the median training and evolution seconds per epoch over all rounds (the first epoch of each
/// run is a warm-up and left out) and the ratio of training plus evolution to the CPU engine's.
/// </summary>
internal static class EngineComparison
{
    public static void Run(int[] layers, int samples, int batch, int epochs, int rounds, string[] engines)
    {
        if (epochs < 2) throw new ArgumentException("--epochs: at least 2 (the first epoch of each run is a warm-up)");
        var data = EpochTimes.RandomData(layers[0], layers[^1], samples);
        var spec = EpochTimes.Spec(layers, batch);
        var epochsOf = engines.ToDictionary(e => e, _ => new List<(double Train, double Evolve)>());
        var devices = new Dictionary<string, string>();
        for (int round = 1; round <= rounds; round++)
            foreach (string engineName in engines)
            {
                using var engine = ScalingRow.CreateEngine(engineName, SparseNetwork.Create(spec));
                devices[engineName] = engine.Device;
                engine.SetTrainingData(data);
                for (int epoch = 0; epoch < epochs; epoch++)
                {
                    var times = EpochTimes.TimeEpoch(engine, spec, samples, epoch);
                    if (epoch > 0) epochsOf[engineName].Add(times);
                }
                Console.Error.WriteLine($"round {round}, {engineName}: done");
            }

        double? reference = epochsOf.TryGetValue("cpu", out var cpu) ? Statistics.Median(cpu.Select(e => e.Train + e.Evolve)) : null;
        Console.WriteLine($"{string.Join('-', layers)}, batch {batch}, {samples:N0} samples, {rounds} rounds of {epochs} epochs " +
                          $"(medians of epochs 2–{epochs} of every round)");
        Console.WriteLine($"{"engine",-10} {"train s",9} {"evolve s",9} {"vs cpu",7}  device");
        foreach (string engineName in engines)
        {
            var e = epochsOf[engineName];
            double total = Statistics.Median(e.Select(x => x.Train + x.Evolve));
            string ratio = reference is { } r ? $"{total / r,6:F2}×" : "      –";
            Console.WriteLine($"{engineName,-10} {Statistics.Median(e.Select(x => x.Train)),9:F3} {Statistics.Median(e.Select(x => x.Evolve)),9:F3} {ratio}  {devices[engineName]}");
        }
    }
}
