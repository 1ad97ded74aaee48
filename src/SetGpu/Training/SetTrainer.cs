using System.Diagnostics;
using SetGpu.Data;
using SetGpu.Rng;

namespace SetGpu.Training;

/// <summary>Training produced a non-finite loss: the weights are no longer usable.</summary>
public sealed class TrainingDivergedException(int epoch, double loss, float learningRate)
    : Exception($"training diverged in epoch {epoch + 1}: the training loss is {loss}; " +
                $"try a learning rate below {learningRate} (or less momentum)")
{
    /// <summary>0-based epoch in which the loss stopped being finite.</summary>
    public int Epoch { get; } = epoch;
}

/// <summary>Hears about training as it goes (for progress bars and tables).</summary>
public interface ITrainingObserver
{
    /// <summary>A batch finished: <paramref name="done"/> of <paramref name="total"/> in this epoch.</summary>
    void OnBatch(int epoch, int done, int total) { }
    /// <summary>An epoch finished (training, test evaluation and evolution).</summary>
    void OnEpoch(EpochRecord record) { }
    /// <summary>A checkpoint of <paramref name="epochs"/> epochs was saved: <paramref name="bytes"/> bytes in <paramref name="seconds"/> s.</summary>
    void OnCheckpoint(string path, int epochs, long bytes, double seconds) { }
}

/// <summary>
/// The SET training loop, the same for every engine: each epoch trains on a freshly shuffled order, evaluates on
/// the test split, then (if the topology evolves, and not after the last epoch) runs the evolution step. Under a
/// learning-rate schedule ζ follows the same factor (as RigL anneals its drop fraction): connections regrown
/// with initialiser values when the rate is near zero could not be trained any more, and a constant ζ would
/// randomise a converged network epoch after epoch.
/// </summary>
public static class SetTrainer
{
    /// <summary>
    /// Trains epochs <paramref name="firstEpoch"/> to <paramref name="untilEpoch"/> − 1 (default: to
    /// <see cref="TrainingOptions.Epochs"/>), appending a record per epoch to <paramref name="report"/>. Every epoch
    /// depends only on the network's state and its own index (learning rate, sample order, dropout masks and evolution
    /// are keyed by the epoch), so training [0, k) and then [k, E) — on a network restored from a checkpoint, say —
    /// gives the same result as training [0, E) at once.
    /// </summary>
    public static TrainingReport Train(ISetEngine engine, DatasetSplit data, TrainingOptions options,
                                       TrainingReport report, ITrainingObserver? observer = null, int firstEpoch = 0,
                                       int? untilEpoch = null)
    {
        options.Validate(data.Train.Samples);
        int end = untilEpoch ?? options.Epochs;
        if (firstEpoch < 0 || end > options.Epochs || firstEpoch > end)
            throw new ArgumentException($"epochs to train: [{firstEpoch}, {end}) is not within the run's {options.Epochs} epochs");
        engine.SetTrainingData(data.Train);
        var model = report.Model;
        if (options.RecordInputConnectivity && firstEpoch == 0)
            report.InitialInputConnections = engine.ConnectionsPerInput(0);
        long batchesPerEpoch = (data.Train.Samples + options.BatchSize - 1) / options.BatchSize;
        for (int epoch = firstEpoch; epoch < end; epoch++)
        {
            var order = ShuffledOrder(data.Train.Samples, options.Seed, epoch);
            engine.LearningRate = options.LearningRateAt(epoch);
            var clock = Stopwatch.StartNew();
            double trainLoss = engine.TrainEpoch(order, epoch * batchesPerEpoch,
                (done, total) => observer?.OnBatch(epoch, done, total));
            double trainSeconds = clock.Elapsed.TotalSeconds;
            if (!double.IsFinite(trainLoss))
                throw new TrainingDivergedException(epoch, trainLoss, options.LearningRate);

            clock.Restart();
            var test = engine.Evaluate(data.Test);
            double testSeconds = clock.Elapsed.TotalSeconds;

            long rewired = 0;
            double evolutionSeconds = 0;
            bool evolve = model.Topology == Model.TopologyKind.Set && epoch < options.Epochs - 1
                          && (epoch + 1) % model.EvolutionInterval == 0;
            if (evolve)
            {
                clock.Restart();
                rewired = engine.Evolve(epoch, model.Zeta * options.ScheduleFactor(epoch)).Sum(e => e.Added);
                evolutionSeconds = clock.Elapsed.TotalSeconds;
            }
            var connections = engine.LayerConnections.Select(c => (long)c).ToArray();
            var record = new EpochRecord
            {
                Epoch = epoch,
                TrainLoss = trainLoss,
                TestLoss = test.Loss,
                TestAccuracy = test.Accuracy,
                TrainSeconds = trainSeconds,
                TestSeconds = testSeconds,
                EvolutionSeconds = evolutionSeconds,
                Connections = connections.Sum(),
                Rewired = rewired,
                LayerConnections = connections,
                InputConnections = options.RecordInputConnectivity ? engine.ConnectionsPerInput(0) : null,
            };
            report.Epochs.Add(record);
            observer?.OnEpoch(record);
        }
        return report;
    }

    /// <summary>The sample order of an epoch: a Fisher–Yates shuffle drawn from the seed's shuffle stream.</summary>
    public static int[] ShuffledOrder(int samples, ulong seed, int epoch)
    {
        var order = new int[samples];
        for (int i = 0; i < samples; i++) order[i] = i;
        ulong key = CounterRng.Key(seed, RngStream.Shuffle, 0, epoch);
        for (int i = samples - 1; i > 0; i--)
        {
            int j = (int)CounterRng.UniformBelow(CounterRng.Hash(key, (ulong)i), i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
