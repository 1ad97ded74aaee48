using System.Diagnostics;
using SetGpu.Distributed;

namespace SetGpu.Training;

/// <summary>Training produced a non-finite loss: the weights are no longer usable.</summary>
public sealed class TrainingDivergedException(int epoch, double loss, float learningRate)
    : Exception($"training diverged in epoch {epoch + 1}: the training loss is {loss}; " +
                $"try a learning rate below {learningRate} (or less momentum)")
{
    /// <summary>0-based epoch in which the loss stopped being finite.</summary>
    public int Epoch { get; } = epoch;
}

/// <summary>
/// The SET run loop, the same for every model and engine. Each epoch trains on a freshly shuffled order at the
/// scheduled step sizes, lets the model evaluate, then (when the specification says so) evolves the topology at the
/// scheduled ζ. Every epoch depends only on the state and its own index — order, step sizes, dropout masks, sampled
/// states and evolution are keyed by the epoch and the step — so training [0, k) and then [k, E), on a model restored
/// from a checkpoint say, gives the same result as training [0, E) at once; and an epoch stopped between two batches
/// and continued gives the same result as one trained whole.
/// </summary>
internal static class SetRun
{
    public static TrainingReport Fit(ITrainableModel model, TrainingData data, FitOptions options, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var (spec, engine, report, state) = (model.Spec, model.Engine, model.Report, model.State);
        var train = data.Train;
        spec.ValidateFor(train.Samples);
        if (spec.Patience > 0 && data.Validation is null)
            throw new InvalidSpecException(nameof(SetSpec.Patience), "early stopping (patience) chooses on a validation split; give one");
        if (options.MaxEpochs is < 1) throw new ArgumentException($"epochs to train in this call must be at least 1, got {options.MaxEpochs}");
        if (options.Distributed is not null && spec is SetMlpSpec { Wast: not null })
            throw new ArgumentException("--distributed: WAST evolves each rank's topology after every batch; it trains in one process only");
        if (options.Checkpoints is { EveryEpochs: < 0 } c)
            throw new ArgumentException($"checkpoint interval must be 0 (only at the end) or more epochs, got {c.EveryEpochs}");
        engine.SetTrainingData(train);
        Describe(report, data);

        bool recordInputs = options.RecordInputConnectivity || report.InitialInputConnections is not null;
        if (recordInputs && report.Epochs.Count == 0 && !state.InProgress)
            report.InitialInputConnections ??= engine.ConnectionsPerInput(0);
        int end = Math.Min(spec.Epochs, report.Epochs.Count + (options.MaxEpochs ?? spec.Epochs));
        using var distributed = options.Distributed is { } d ? new DistributedEpochs(d, model, train.Samples) : null;
        if (distributed is not null)
        {
            if (state.InProgress)
                throw new ArgumentException($"--distributed: the run stopped inside epoch {state.Epoch + 1}; a distributed run continues only from an epoch's end");
            distributed.CheckSameNetwork("before training", report.Epochs.Count);
        }
        try { TrainEpochs(model, data, options, end, recordInputs, distributed, cancellation); }
        catch (OperationCanceledException) when (options.Checkpoints is { } policy && state.InProgress)
        {
            Save(model, policy); // the epoch in progress too: a resumed run continues from its next batch
            throw;
        }
        return report;
    }

    static void TrainEpochs(ITrainableModel model, TrainingData data, FitOptions options, int end, bool recordInputs,
                            DistributedEpochs? distributed, CancellationToken cancellation)
    {
        var (spec, engine, report, state) = (model.Spec, model.Engine, model.Report, model.State);
        var train = data.Train;
        int batches = distributed?.BatchesPerEpoch ?? spec.BatchesPerEpoch(train.Samples);
        bool saves = distributed?.IsRoot ?? true;
        int lastSaved = report.Epochs.Count;
        var evaluated = data.Validation ?? data.Test;
        double majority = evaluated is null ? 0 : LearningHealth.MajorityRate(evaluated.Labels);
        int classes = evaluated is null ? 0 : evaluated.Labels.Distinct().Count();
        while (!report.IsComplete && report.Epochs.Count < end)
        {
            int epoch = report.Epochs.Count;
            if (state.Epoch != epoch || !state.InProgress) state.Begin(epoch);
            var order = distributed is null ? SampleOrder.Shuffled(train.Samples, spec.Seed, epoch) : [];
            var step = spec.StepAt(epoch);
            var clock = Stopwatch.StartNew();
            var batchProgress = options.BatchProgress;
            Action<int>? reportBatch = batchProgress is null ? null : b => batchProgress.Report(new BatchProgress(epoch + 1, b, batches));
            state.Position = distributed is not null
                ? distributed.TrainEpoch(epoch, step, reportBatch)
                : engine.TrainBatches(order, state.Position, (long)epoch * batches, step, cancellation, reportBatch);
            state.TrainSeconds += clock.Elapsed.TotalSeconds;
            if (state.Position.Batch < batches)
            {
                cancellation.ThrowIfCancellationRequested();
                throw new InvalidOperationException($"engine {engine.Name} stopped at batch {state.Position.Batch} of {batches} uncancelled");
            }
            double trainLoss = state.Position.LossSum / ((double)train.Samples * engine.LossTermsPerSample);
            if (!double.IsFinite(trainLoss))
            {
                report.DivergedInEpoch = epoch;
                throw new TrainingDivergedException(epoch, trainLoss, step.LearningRate);
            }

            clock.Restart();
            var metrics = model.Evaluate(epoch, data);
            double evaluationSeconds = clock.Elapsed.TotalSeconds;

            long pruned = 0, regrown = 0;
            double evolutionSeconds = 0, zeta = 0;
            if (spec.EvolvesAfter(epoch))
            {
                zeta = spec.ZetaAt(epoch);
                clock.Restart();
                var evolution = engine.Evolve(epoch, zeta, spec.RegrowsAfter(epoch));
                evolutionSeconds = clock.Elapsed.TotalSeconds;
                pruned = evolution.Sum(e => (long)e.Prune.Removed);
                regrown = evolution.Sum(e => e.Added);
                distributed?.CheckSameNetwork($"after the evolution of epoch {epoch + 1}", epoch);
            }
            var connections = engine.LayerConnections.Select(n => (long)n).ToArray();
            var record = new EpochRecord
            {
                Epoch = epoch,
                LearningRate = step.LearningRate,
                TrainLoss = trainLoss,
                Validation = metrics.Validation,
                Test = metrics.Test,
                TrainSubset = metrics.TrainSubset,
                TrainSeconds = state.TrainSeconds,
                EvaluationSeconds = evaluationSeconds,
                EvolutionSeconds = evolutionSeconds,
                Zeta = zeta,
                Connections = connections.Sum(),
                LayerConnections = connections,
                Pruned = pruned,
                Regrown = regrown,
                InputConnections = recordInputs ? engine.ConnectionsPerInput(0) : null,
                Health = LearningHealth.Check(report.Epochs, trainLoss, metrics.Validation ?? metrics.Test, majority, classes),
                Communication = distributed?.TakeEpochCommunication(),
            };
            report.Epochs.Add(record);
            state.Begin(epoch + 1);
            ChooseOnValidation(report, spec.Patience);
            options.Progress?.Report(record);

            if (options.Checkpoints is { } policy && saves && ShouldSave(policy, report, end))
            {
                Save(model, policy);
                lastSaved = report.Epochs.Count;
            }
            // No rank starts the next epoch before rank 0's checkpoint of this one is on disk: a rank that dies then
            // leaves the previous epoch's checkpoint whole.
            if (distributed is not null && distributed.WaitForRoot(epoch, cancellation.IsCancellationRequested) && report.Epochs.Count < end)
            {
                // A distributed epoch is never cut: every rank stops after the same whole epoch, saved.
                if (options.Checkpoints is { } stopped && saves && lastSaved != report.Epochs.Count) Save(model, stopped);
                throw new OperationCanceledException(cancellation.IsCancellationRequested ? cancellation : CancellationToken.None);
            }
        }
        if (options.Checkpoints is { } final && saves && lastSaved != report.Epochs.Count) Save(model, final);
    }

    /// <summary>Records where the run's data come from (on the first call; a later call may bring other data).</summary>
    static void Describe(TrainingReport report, TrainingData data)
    {
        report.Dataset ??= data.Train.Name;
        report.TrainSamples = data.Train.Samples;
        report.ValidationSamples = data.Validation?.Samples ?? 0;
        report.TestSamples = data.Test?.Samples ?? 0;
        if (data.Train.ImageShape is { } shape)
        {
            report.ImageShape = [shape.Height, shape.Width];
            report.ImagePixelOrder = data.Train.PixelOrder;
        }
    }

    /// <summary>The best epoch is the one of lowest validation loss; early stopping ends the run after <paramref name="patience"/> epochs without a better one.</summary>
    static void ChooseOnValidation(TrainingReport report, int patience)
    {
        var last = report.Epochs[^1];
        if (last.Validation is not { } validation) return;
        if (report.BestEpoch is not { } best || validation.Loss < report.Epochs[best].Validation!.Loss)
            report.BestEpoch = last.Epoch;
        if (patience > 0 && last.Epoch - report.BestEpoch >= patience && report.Epochs.Count < report.Spec.Epochs)
            report.StoppedEarly = true;
    }

    static bool ShouldSave(CheckpointPolicy policy, TrainingReport report, int end)
    {
        int done = report.Epochs.Count;
        return done == end || report.IsComplete || (policy.EveryEpochs > 0 && done % policy.EveryEpochs == 0);
    }

    static void Save(ITrainableModel model, CheckpointPolicy policy)
    {
        var clock = Stopwatch.StartNew();
        long bytes = model.Capture(policy.Data, policy.Scaling).Save(policy.Path);
        policy.Saved?.Report(new CheckpointSaved(policy.Path, model.Report.Epochs.Count, bytes, clock.Elapsed.TotalSeconds));
    }
}
