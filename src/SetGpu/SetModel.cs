using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Training;

namespace SetGpu;

/// <summary>
/// What every SET model object does the same way: it owns its network on a device, keeps the record of its run, and
/// trains through the one run loop. <see cref="SetMlp"/> and <see cref="SetRbm"/> add what is their own.
/// </summary>
public abstract class SetModel : IDisposable, ITrainableModel
{
    readonly ISetEngine _engine;
    readonly TrainingReport _report;
    readonly RunState _state;

    private protected SetModel(ISetEngine engine, TrainingReport report, RunState state)
    {
        _engine = engine;
        _report = report;
        _state = state;
        _report.Engine = engine.Name;
        _report.Device = engine.Device;
    }

    /// <summary>The specification the model was made from.</summary>
    public SetSpec Spec => _report.Spec;
    /// <summary>The run so far: the specification, the device and one record per epoch trained.</summary>
    public TrainingReport History => _report;
    /// <summary>The device the model is on, as the command line names it (<c>cpu</c>, <c>opencl:0</c>, …).</summary>
    public string Device => _engine.Name;
    /// <summary>The device, in words.</summary>
    public string DeviceDescription => _engine.Device;
    /// <summary>Connections in all layers now.</summary>
    public long Connections => _engine.LayerConnections.Sum(n => (long)n);

    /// <summary>
    /// Trains the epochs of the run not trained yet (<see cref="SetSpec.Epochs"/> in all, fewer when early stopping ends
    /// it), reporting each finished epoch to <paramref name="progress"/>. <paramref name="cancellation"/> stops it between
    /// two batches with an <see cref="OperationCanceledException"/>, the state intact: a later call continues exactly
    /// where it stopped. Returns <see cref="History"/>.
    /// </summary>
    public TrainingReport Fit(Dataset train, Dataset? validation = null, IProgress<EpochRecord>? progress = null,
                              CancellationToken cancellation = default) =>
        Fit(new TrainingData(train, validation), new FitOptions { Progress = progress }, cancellation);

    /// <summary>As <see cref="Fit(Dataset, Dataset?, IProgress{EpochRecord}?, CancellationToken)"/>, with a test split reported after every epoch.</summary>
    public TrainingReport Fit(TrainingData data, IProgress<EpochRecord>? progress = null, CancellationToken cancellation = default) =>
        Fit(data, new FitOptions { Progress = progress }, cancellation);

    /// <summary>As <see cref="Fit(TrainingData, IProgress{EpochRecord}?, CancellationToken)"/>, with checkpoints, batch progress and a cap on the epochs of this call.</summary>
    public TrainingReport Fit(TrainingData data, FitOptions options, CancellationToken cancellation = default) =>
        SetRun.Fit(this, data, options, cancellation);

    /// <summary>
    /// Saves the model with its history (and the standardisation its inputs need, if given) to <paramref name="path"/>,
    /// atomically; <c>Load</c> puts it back on any device. Returns the file's size in bytes.
    /// </summary>
    public long Save(string path, Standardizer? scaling = null) => Capture(null, scaling).Save(path);

    /// <summary>The model's state with its history, the data's identity and the standardisation, as a checkpoint.</summary>
    public TrainingCheckpoint Capture(DataIdentity? data, Standardizer? scaling) => CaptureModel(data, scaling);

    private protected abstract TrainingCheckpoint CaptureModel(DataIdentity? data, Standardizer? scaling);
    private protected abstract EpochMetrics EvaluateEpoch(int epoch, TrainingData data);

    /// <summary>A fresh record of a run of <paramref name="spec"/>.</summary>
    private protected static TrainingReport NewReport(SetSpec spec, long connections, double creationSeconds) => new()
    {
        Spec = spec, Engine = "", Device = "", InitialConnections = connections, CreationSeconds = creationSeconds,
    };

    /// <summary>The epoch in progress, as the run loop left it.</summary>
    private protected RunState State => _state;

    SetSpec ITrainableModel.Spec => Spec;
    ISetEngine ITrainableModel.Engine => _engine;
    TrainingReport ITrainableModel.Report => _report;
    RunState ITrainableModel.State => _state;
    EpochMetrics ITrainableModel.Evaluate(int epoch, TrainingData data) => EvaluateEpoch(epoch, data);

    /// <summary>Frees the device's memory and the engine.</summary>
    public void Dispose()
    {
        _engine.Dispose();
        GC.SuppressFinalize(this);
    }
}
