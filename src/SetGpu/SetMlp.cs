using System.Diagnostics;
using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu;

/// <summary>
/// A SET multilayer perceptron on a device, truly sparse from the first step to the last:
/// <code>
/// using var model = SetMlp.Create(spec, Device.Auto);
/// model.Fit(train, validation);
/// Prediction outputs = model.Predict(test);     // samples × outputs
/// model.Save("model.setgpu");
/// </code>
/// </summary>
public sealed class SetMlp : SetModel
{
    readonly IMlpEngine _engine;

    SetMlp(IMlpEngine engine, TrainingReport report, RunState state) : base(engine, report, state) => _engine = engine;

    /// <summary>
    /// A new network of <paramref name="spec"/> (validated here, once: an <see cref="InvalidSpecException"/> names the
    /// field at fault) with its Erdős–Rényi topology, on <paramref name="device"/>. Before anything big is allocated,
    /// the memory the network will need is compared with the device's (or with <paramref name="maxMemoryBytes"/>
    /// when given): a network that does not fit is a <see cref="NetworkTooLargeException"/>.
    /// </summary>
    public static SetMlp Create(SetMlpSpec spec, Device device = default, long? maxMemoryBytes = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        double seconds = 0;
        long connections = 0;
        var engine = SetEngines.CreateMlp(spec, device, maxMemoryBytes, s =>
        {
            var clock = Stopwatch.StartNew();
            var network = SparseNetwork.Create(s);
            seconds = clock.Elapsed.TotalSeconds;
            connections = network.Connections;
            return network;
        });
        return new SetMlp(engine, NewReport(spec, connections, seconds), new RunState());
    }

    /// <summary>
    /// A network built elsewhere (its specification validated here), on <paramref name="device"/>, with a fresh history.
    /// The model takes the network: the CPU engine trains it in place (an ILGPU engine copies it to the device).
    /// </summary>
    public static SetMlp FromNetwork(SparseNetwork network, Device device = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.Spec.Validate();
        return new SetMlp(SetEngines.CreateMlp(network, device), NewReport(network.Spec, network.Connections, 0), new RunState());
    }

    /// <summary>A saved model or a run's checkpoint, on <paramref name="device"/>; <c>Fit</c> continues its run.</summary>
    public static SetMlp Load(string path, Device device = default) => Load(TrainingCheckpoint.Load(path), device);

    /// <summary>
    /// A loaded checkpoint's model, on <paramref name="device"/>; <c>Fit</c> continues its run. The model takes the
    /// checkpoint's network (the CPU engine trains it in place): load a checkpoint object once per model.
    /// </summary>
    public static SetMlp Load(TrainingCheckpoint checkpoint, Device device = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var network = checkpoint.Network ?? throw new ArgumentException("the checkpoint holds an RBM, not an MLP; load it with SetRbm.Load");
        return new SetMlp(SetEngines.CreateMlp(network, device), checkpoint.Report.Snapshot(), checkpoint.InProgress with { });
    }

    /// <summary>The specification the model was made from.</summary>
    public new SetMlpSpec Spec => (SetMlpSpec)base.Spec;
    /// <summary>Features the network takes.</summary>
    public int Inputs => Spec.LayerSizes[0];
    /// <summary>Outputs (classes) the network gives.</summary>
    public int Outputs => Spec.LayerSizes[^1];

    /// <summary>The network's outputs for <paramref name="data"/>: softmax probabilities, sigmoids or linear values.</summary>
    public Prediction Predict(Dataset data) => new(_engine.Predict(data), Outputs);

    /// <summary>The network's outputs for the rows of <paramref name="features"/> (samples × <see cref="Inputs"/>).</summary>
    public Prediction Predict(float[,] features) => Predict(Unlabelled(features, Inputs, Outputs));

    /// <summary>Loss and accuracy on labelled <paramref name="data"/>, without dropout.</summary>
    public Evaluation Evaluate(Dataset data) => _engine.Evaluate(data);

    /// <summary>A host copy of the network now (topology, weights, biases and optimiser state).</summary>
    public SparseNetwork Export() => _engine.Export();

    private protected override TrainingCheckpoint CaptureModel(DataIdentity? data, Standardizer? scaling) => new()
    {
        Network = _engine.Export(), Report = History.Snapshot(), InProgress = State with { }, Data = data, Scaling = scaling,
    };

    private protected override EpochMetrics EvaluateEpoch(int epoch, TrainingData data) =>
        new(Measure(data.Validation), Measure(data.Test), null);

    Metrics? Measure(Dataset? data)
    {
        if (data is null) return null;
        var e = _engine.Evaluate(data);
        return new Metrics { Loss = e.Loss, Accuracy = e.Accuracy, Samples = e.Samples, Activity = e.Activity };
    }

    /// <summary>Samples without labels as a dataset (engines take datasets; outputs do not depend on labels).</summary>
    internal static Dataset Unlabelled(float[,] features, int inputs, int outputs)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.GetLength(1) != inputs)
            throw new ArgumentException($"features: {features.GetLength(1)} columns, but the model takes {inputs} inputs");
        var flat = new float[features.Length];
        Buffer.BlockCopy(features, 0, flat, 0, flat.Length * sizeof(float));
        return new Dataset("features", flat, new int[features.GetLength(0)], inputs, Math.Max(2, outputs));
    }
}
