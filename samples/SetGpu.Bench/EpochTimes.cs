using System.Diagnostics;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Bench;

/// <summary>Times whole epochs (training and evolution) of a SET-MLP of any shape on random data, on one engine.</summary>
internal static class EpochTimes
{
    public static void Run(int[] layers, int samples, int batch, int epochs, string engineName)
    {
        var data = RandomData(layers[0], layers[^1], samples);
        var clock = Stopwatch.StartNew();
        var network = SparseNetwork.Create(Spec(layers, batch));
        Console.WriteLine($"{network.Connections:N0} connections, created in {clock.Elapsed.TotalSeconds:F3} s");
        using var engine = ScalingRow.CreateEngine(engineName, network);
        Console.WriteLine($"engine {engine.Name}: {engine.Device}");
        engine.SetTrainingData(data);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var (train, evolve) = TimeEpoch(engine, network.Spec, samples, epoch);
            Console.WriteLine($"epoch {epoch + 1}: train {train:F3} s, evolve {evolve:F3} s");
        }
    }

    /// <summary>The model these timings use: ε = 20, sigmoid output, MSE, the reference optimiser settings at <paramref name="batch"/>.</summary>
    public static SetMlpSpec Spec(int[] layers, int batch) => new()
    {
        LayerSizes = layers, OutputActivation = OutputActivation.Sigmoid, Loss = LossKind.Mse, Epsilon = 20, BatchSize = batch, Seed = 1,
        Optimizer = new Sgd { LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 0.0002f },
    };

    /// <summary>Seeded uniform features in [-1, 1) with labels cycling through the classes.</summary>
    public static Dataset RandomData(int features, int classes, int samples)
    {
        var rng = new Random(1);
        var x = new float[(long)samples * features];
        for (long i = 0; i < x.LongLength; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return new Dataset("random", x, Enumerable.Range(0, samples).Select(i => i % classes).ToArray(), features, classes);
    }

    /// <summary>One epoch of training then one evolution step, each timed.</summary>
    public static (double Train, double Evolve) TimeEpoch(ISetEngine engine, SetSpec spec, int samples, int epoch)
    {
        var clock = Stopwatch.StartNew();
        engine.TrainBatches(SampleOrder.Shuffled(samples, 1, epoch), default, epoch * 1_000_000L, spec.StepAt(epoch));
        double train = clock.Elapsed.TotalSeconds;
        clock.Restart();
        engine.Evolve(epoch, spec.Zeta);
        return (train, clock.Elapsed.TotalSeconds);
    }
}
