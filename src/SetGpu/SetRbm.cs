using System.Diagnostics;
using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Rbm;
using SetGpu.Training;

namespace SetGpu;

/// <summary>
/// A SET restricted Boltzmann machine on a device, trained with contrastive divergence and truly sparse throughout:
/// <code>
/// using var rbm = SetRbm.Create(new SetRbmSpec { Visible = 1024, Hidden = 200, Epochs = 100 }, Device.Auto);
/// rbm.Fit(new TrainingData(train, Test: test));
/// Prediction features = rbm.Transform(test);   // samples × hidden probabilities
/// </code>
/// </summary>
public sealed class SetRbm : SetModel
{
    /// <summary>The sampled-state streams of the evaluations (<see cref="RbmSampling.EvaluationKey"/>).</summary>
    enum EvaluationStream { Test = 0, TrainSubset = 1, Validation = 2, Caller = 3 }

    readonly IRbmEngine _engine;
    (Dataset Source, int Samples, Dataset Subset)? _subset;

    SetRbm(IRbmEngine engine, TrainingReport report, RunState state) : base(engine, report, state) => _engine = engine;

    /// <summary>
    /// A new RBM of <paramref name="spec"/> (validated here, once: an <see cref="InvalidSpecException"/> names the field at
    /// fault) with its Erdős–Rényi topology, on <paramref name="device"/>.
    /// </summary>
    public static SetRbm Create(SetRbmSpec spec, Device device = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var clock = Stopwatch.StartNew();
        var rbm = SparseRbm.Create(spec);
        double seconds = clock.Elapsed.TotalSeconds;
        return new SetRbm(SetEngines.CreateRbm(rbm, device), NewReport(spec, rbm.Connections, seconds), new RunState());
    }

    /// <summary>A saved model or a run's checkpoint, on <paramref name="device"/>; <c>Fit</c> continues its run.</summary>
    public static SetRbm Load(string path, Device device = default) => Load(TrainingCheckpoint.Load(path), device);

    /// <summary>
    /// A loaded checkpoint's RBM, on <paramref name="device"/>; <c>Fit</c> continues its run. The model takes the
    /// checkpoint's RBM (the CPU engine trains it in place): load a checkpoint object once per model.
    /// </summary>
    public static SetRbm Load(TrainingCheckpoint checkpoint, Device device = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var rbm = checkpoint.Rbm ?? throw new ArgumentException("the checkpoint holds an MLP, not an RBM; load it with SetMlp.Load");
        return new SetRbm(SetEngines.CreateRbm(rbm, device), checkpoint.Report.Snapshot(), checkpoint.InProgress with { });
    }

    /// <summary>The specification the RBM was made from.</summary>
    public new SetRbmSpec Spec => (SetRbmSpec)base.Spec;

    /// <summary>
    /// Reconstruction error and free energies on <paramref name="data"/>. The sampled hidden states are keyed by the seed
    /// and the epochs trained, so the same model gives the same numbers.
    /// </summary>
    public RbmEvaluation Evaluate(Dataset data) =>
        _engine.Evaluate(data, RbmSampling.EvaluationKey(Spec.Seed, (int)EvaluationStream.Caller, History.Epochs.Count));

    /// <summary>The hidden probabilities p(h = 1 | v) of every sample (samples × hidden): features for a classifier.</summary>
    public Prediction Transform(Dataset data) => new(_engine.Transform(data), Spec.Hidden);

    /// <summary>
    /// The mean log-probability of <paramref name="data"/>, with log Z estimated by annealed importance sampling from a
    /// base model fitted to <paramref name="train"/> (and computed exactly too with at most 20 hidden units).
    /// </summary>
    public RbmLikelihood EstimateLogLikelihood(Dataset train, Dataset data, AisOptions? options = null) =>
        Ais.EstimateLogLikelihood(_engine, train, data, options ?? Spec.Ais ?? new AisOptions(), Spec.Seed);

    /// <summary>A host copy of the RBM now (topology, weights, biases, optimiser state and persistent chains).</summary>
    public SparseRbm Export() => _engine.Export();

    private protected override TrainingCheckpoint CaptureModel(DataIdentity? data, Standardizer? scaling) => new()
    {
        Rbm = _engine.Export(), Report = History.Snapshot(), InProgress = State with { }, Data = data, Scaling = scaling,
    };

    /// <summary>
    /// The held-out splits and a fixed training subset as large as the held-out split (so that the two free energies
    /// compare like for like), each with its own sampled states; the log-likelihood by AIS on the held-out split after
    /// the last epoch and every <see cref="SetRbmSpec.AisInterval"/> epochs when the specification asks for it.
    /// </summary>
    private protected override EpochMetrics EvaluateEpoch(int epoch, TrainingData data)
    {
        var spec = Spec;
        var test = Measure(data.Test, EvaluationStream.Test, epoch);
        var validation = Measure(data.Validation, EvaluationStream.Validation, epoch);
        var heldOut = data.HeldOut;
        var subset = heldOut is null ? null : Measure(TrainSubset(data.Train, heldOut.Samples), EvaluationStream.TrainSubset, epoch);
        bool last = epoch == spec.Epochs - 1;
        if (spec.Ais is { } ais && heldOut is not null && (last || (spec.AisInterval > 0 && (epoch + 1) % spec.AisInterval == 0)))
        {
            var likelihood = Ais.EstimateLogLikelihood(_engine, data.Train, heldOut, ais, spec.Seed);
            if (test is not null) test = test with { LogLikelihood = likelihood };
            else validation = validation! with { LogLikelihood = likelihood };
        }
        return new EpochMetrics(validation, test, subset);
    }

    Metrics? Measure(Dataset? data, EvaluationStream stream, int epoch)
    {
        if (data is null) return null;
        var e = _engine.Evaluate(data, RbmSampling.EvaluationKey(Spec.Seed, (int)stream, epoch));
        return new Metrics { Loss = e.ReconstructionError, FreeEnergy = e.MeanFreeEnergy, Samples = e.Samples };
    }

    /// <summary>The first <paramref name="samples"/> training samples (at most all), made once per training split.</summary>
    Dataset TrainSubset(Dataset train, int samples)
    {
        samples = Math.Min(samples, train.Samples);
        if (_subset is { } s && ReferenceEquals(s.Source, train) && s.Samples == samples) return s.Subset;
        var subset = train.Subset(Enumerable.Range(0, samples).ToArray(), train.Name + " [subset]");
        _subset = (train, samples, subset);
        return subset;
    }
}
