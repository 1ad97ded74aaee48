using System.Diagnostics;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

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
        var data = RandomData(layers[0], layers[^1], samples);
        var model = new SetMlpOptions { LayerSizes = layers, OutputActivation = OutputActivation.Sigmoid, Loss = LossKind.Mse, Epsilon = 20 };
        var training = new TrainingOptions { BatchSize = batch, LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 0.0002f };
        var epochsOf = engines.ToDictionary(e => e, _ => new List<(double Train, double Evolve)>());
        var devices = new Dictionary<string, string>();
        for (int round = 1; round <= rounds; round++)
            foreach (string engineName in engines)
            {
                using var engine = ScalingRow.CreateEngine(engineName, SparseNetwork.Create(model, 1), training);
                devices[engineName] = engine.Device;
                engine.SetTrainingData(data);
                for (int epoch = 0; epoch < epochs; epoch++)
                {
                    var clock = Stopwatch.StartNew();
                    engine.TrainEpoch(SetTrainer.ShuffledOrder(samples, 1, epoch), epoch * 1_000_000L);
                    double train = clock.Elapsed.TotalSeconds;
                    clock.Restart();
                    engine.Evolve(epoch);
                    if (epoch > 0) epochsOf[engineName].Add((train, clock.Elapsed.TotalSeconds));
                }
                Console.Error.WriteLine($"round {round}, {engineName}: done");
            }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
        double? reference = epochsOf.TryGetValue("cpu", out var cpu) ? Median(cpu.Select(e => e.Train + e.Evolve)) : null;
        Console.WriteLine($"{string.Join('-', layers)}, batch {batch}, {samples:N0} samples, {rounds} rounds of {epochs} epochs " +
                          $"(medians of epochs 2–{epochs} of every round)");
        Console.WriteLine($"{"engine",-10} {"train s",9} {"evolve s",9} {"vs cpu",7}  device");
        foreach (string engineName in engines)
        {
            var e = epochsOf[engineName];
            double total = Median(e.Select(x => x.Train + x.Evolve));
            string ratio = reference is { } r ? $"{total / r,6:F2}×" : "      –";
            Console.WriteLine($"{engineName,-10} {Median(e.Select(x => x.Train)),9:F3} {Median(e.Select(x => x.Evolve)),9:F3} {ratio}  {devices[engineName]}");
        }
    }

    static Dataset RandomData(int features, int classes, int samples)
    {
        var rng = new Random(1);
        var x = new float[(long)samples * features];
        for (long i = 0; i < x.LongLength; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return new Dataset("random", x, Enumerable.Range(0, samples).Select(i => i % classes).ToArray(), features, classes);
    }
}
