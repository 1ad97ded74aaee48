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
        var rng = new Random(1);
        int features = layers[0], classes = layers[^1];
        var x = new float[(long)samples * features];
        for (long i = 0; i < x.LongLength; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var data = new Dataset("random", x, Enumerable.Range(0, samples).Select(i => i % classes).ToArray(), features, classes);

        var model = new SetMlpOptions { LayerSizes = layers, OutputActivation = OutputActivation.Sigmoid, Loss = LossKind.Mse, Epsilon = 20 };
        var training = new TrainingOptions { BatchSize = batch, LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 0.0002f };
        var clock = Stopwatch.StartNew();
        var network = SparseNetwork.Create(model, 1);
        Console.WriteLine($"{network.Connections:N0} connections, created in {clock.Elapsed.TotalSeconds:F3} s");
        using var engine = ScalingRow.CreateEngine(engineName, network, training);
        Console.WriteLine($"engine {engine.Name}: {engine.Device}");
        engine.SetTrainingData(data);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            clock.Restart();
            engine.TrainEpoch(SetTrainer.ShuffledOrder(samples, 1, epoch), epoch * 1_000_000L);
            double train = clock.Elapsed.TotalSeconds;
            clock.Restart();
            engine.Evolve(epoch);
            Console.WriteLine($"epoch {epoch + 1}: train {train:F3} s, evolve {clock.Elapsed.TotalSeconds:F3} s");
        }
    }
}
