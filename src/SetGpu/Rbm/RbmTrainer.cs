using System.Diagnostics;
using SetGpu.Data;
using SetGpu.Training;

namespace SetGpu.Rbm;

/// <summary>Hears about RBM training as it goes (for progress bars and tables).</summary>
public interface IRbmObserver
{
    /// <summary>A batch finished: <paramref name="done"/> of <paramref name="total"/> in this epoch.</summary>
    void OnBatch(int epoch, int done, int total) { }
    /// <summary>An epoch finished (training, evaluation, evolution).</summary>
    void OnEpoch(RbmEpochRecord record) { }
}

/// <summary>
/// The SET-RBM training loop, the same for every engine: each epoch trains CD-k on a freshly shuffled order
/// (<see cref="SetTrainer.ShuffledOrder"/>), evaluates the test split and a fixed training subset (reconstruction
/// error, free energies), estimates the log-likelihood by AIS when asked, then, if the topology evolves, runs the
/// evolution step: with regrowth after every epoch but the last, and after the last only when
/// <see cref="RbmOptions.PruneAfterLastEpoch"/> asks for it, pruning alone.
/// </summary>
public static class RbmTrainer
{
    /// <summary>Which evaluation a sampled state belongs to (keys <see cref="RbmSampling.EvaluationKey"/>).</summary>
    public const int TestSet = 0, TrainSubset = 1;

    /// <summary>Trains for <see cref="RbmTrainingOptions.Epochs"/> epochs, appending a record per epoch to <paramref name="report"/>.</summary>
    public static RbmReport Train(IRbmEngine engine, DatasetSplit data, RbmTrainingOptions options, RbmReport report,
                                  IRbmObserver? observer = null)
    {
        var model = report.Model;
        options.Validate(data.Train.Samples);
        engine.SetTrainingData(data.Train);
        // A fixed subset of the training data as large as the test split, so the two free energies compare like for like.
        var subset = data.Train.Subset(Enumerable.Range(0, Math.Min(data.Train.Samples, data.Test.Samples)).ToArray(),
                                       data.Train.Name + " [subset]");
        long batchesPerEpoch = (data.Train.Samples + options.BatchSize - 1) / options.BatchSize;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            var order = SetTrainer.ShuffledOrder(data.Train.Samples, options.Seed, epoch);
            var clock = Stopwatch.StartNew();
            double trainError = engine.TrainEpoch(order, epoch * batchesPerEpoch, (done, total) => observer?.OnBatch(epoch, done, total));
            double trainSeconds = clock.Elapsed.TotalSeconds;
            if (!double.IsFinite(trainError)) throw new TrainingDivergedException(epoch, trainError, options.LearningRate);

            clock.Restart();
            var test = engine.Evaluate(data.Test, RbmSampling.EvaluationKey(options.Seed, TestSet, epoch));
            var train = engine.Evaluate(subset, RbmSampling.EvaluationKey(options.Seed, TrainSubset, epoch));
            double evaluationSeconds = clock.Elapsed.TotalSeconds;

            bool last = epoch == options.Epochs - 1;
            RbmLikelihood? likelihood = null;
            if (options.Ais is { } ais && (last || (options.AisInterval > 0 && (epoch + 1) % options.AisInterval == 0)))
                likelihood = Ais.EstimateLogLikelihood(engine, data.Train, data.Test, ais);

            long pruned = 0, regrown = 0;
            double evolutionSeconds = 0;
            if (model.Evolves && (!last || model.PruneAfterLastEpoch))
            {
                clock.Restart();
                var evolution = engine.Evolve(epoch, model.Zeta, regrow: !last);
                evolutionSeconds = clock.Elapsed.TotalSeconds;
                pruned = evolution.Prune.Removed;
                regrown = evolution.Added;
            }
            var record = new RbmEpochRecord
            {
                Epoch = epoch,
                TrainReconstructionError = trainError,
                TestReconstructionError = test.ReconstructionError,
                TrainSubsetReconstructionError = train.ReconstructionError,
                TrainFreeEnergy = train.MeanFreeEnergy,
                TestFreeEnergy = test.MeanFreeEnergy,
                FreeEnergyGap = train.MeanFreeEnergy - test.MeanFreeEnergy,
                TrainSeconds = trainSeconds,
                EvaluationSeconds = evaluationSeconds,
                EvolutionSeconds = evolutionSeconds,
                Connections = engine.Connections,
                Pruned = pruned,
                Regrown = regrown,
                TestLogLikelihood = likelihood,
            };
            report.Epochs.Add(record);
            observer?.OnEpoch(record);
        }
        return report;
    }
}
