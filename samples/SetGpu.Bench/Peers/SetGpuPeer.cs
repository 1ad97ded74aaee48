using System.Diagnostics;
using System.Text.Json;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Bench.Peers;

/// <summary>The SetGpu peer: the CPU engine on one shape, in a child process of its own, timed as the python peers time theirs.</summary>
internal static class SetGpuPeer
{
    /// <summary>Train, test, evolve each epoch (as <see cref="ScalingRow"/> does); stops after the epoch that passes <paramref name="timeLimit"/>.</summary>
    public static void Run(PeerShape shape, string dataDirectory, double timeLimit, string resultPath)
    {
        var data = shape.LoadData(dataDirectory);
        var spec = shape.Spec();
        var clock = Stopwatch.StartNew();
        var network = SparseNetwork.Create(spec);
        double create = clock.Elapsed.TotalSeconds;
        using var engine = ScalingRow.CreateEngine("cpu", network);
        engine.SetTrainingData(data.Train);
        var total = Stopwatch.StartNew();
        List<double> train = [], evolution = [], accuracy = [];
        bool timedOut = false;
        for (int epoch = 0; epoch < shape.Epochs && !timedOut; epoch++)
        {
            clock.Restart();
            engine.TrainBatches(SampleOrder.Shuffled(data.Train.Samples, spec.Seed, epoch), default, epoch * 1_000_000L, spec.StepAt(epoch));
            train.Add(clock.Elapsed.TotalSeconds);
            accuracy.Add(engine.Evaluate(data.Test).Accuracy);
            clock.Restart();
            engine.Evolve(epoch, spec.Zeta);
            evolution.Add(clock.Elapsed.TotalSeconds);
            Console.WriteLine($"    epoch {epoch + 1}: train {train[^1]:F3} s, evolution {evolution[^1]:F3} s, test accuracy {accuracy[^1]:P2}");
            timedOut = total.Elapsed.TotalSeconds > timeLimit && epoch + 1 < shape.Epochs;
        }
        var result = new PeerResult
        {
            Peer = "setgpu", Layers = shape.Layers, Batch = shape.Batch, Threads = Environment.ProcessorCount,
            Connections = network.Layers.Select(l => (long)l.Connections).ToArray(),
            TrainSamples = data.Train.Samples, TestSamples = data.Test.Samples,
            MajorityRate = LearningHealth.MajorityRate(data.Test.Labels), DataChecksum = Checksum(data.Train),
            CreateSeconds = create, Train = [.. train], Evolution = [.. evolution], Accuracy = [.. accuracy],
            TimedOut = timedOut, PeakRssBytes = ProcessMemory.Peak(),
        };
        File.WriteAllText(resultPath, JsonSerializer.Serialize(result, PeersTable.Json));
    }

    /// <summary>Σ of the features in double, in sample order (numpy's float64 sum may round differently in the last digits).</summary>
    public static double Checksum(Dataset data)
    {
        double sum = 0;
        foreach (float v in data.Features) sum += v;
        return sum;
    }
}
