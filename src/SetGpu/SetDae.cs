using System.Diagnostics;
using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu;

/// <summary>
/// A SET denoising autoencoder (SET-DAE), <c>inputs → hidden → inputs</c>, truly sparse: the MLP's engines and kernels
/// train it with the clean inputs as the target and masking noise on the inputs (<see cref="SetMlpSpec.InputNoise"/>),
/// MSE on a sigmoid or linear reconstruction, and SET evolution on both layers.
/// <code>
/// using var dae = SetDae.Create(SetDae.DefaultSpec(inputs: 1024, hidden: 1000), Device.Auto);
/// dae.Fit(new TrainingData(train, Test: test));
/// Prediction code = dae.Transform(test);          // samples × hidden
/// float[] strength = dae.InputStrength();        // QuickSelection's importance of each input
/// </code>
/// </summary>
public sealed class SetDae : SetModel
{
    readonly IMlpEngine _engine;

    SetDae(IMlpEngine engine, TrainingReport report, RunState state) : base(engine, report, state) => _engine = engine;

    /// <summary>
    /// A SET-DAE for data in [0, 1]: one sigmoid hidden layer, sigmoid reconstruction, MSE, ε = 13, ζ = 0.2, SGD at 0.01
    /// with momentum 0.9 (weight decay 0.0002), batch 100, masking noise 0.2, 100 epochs, He-uniform weights. For feature
    /// selection use <see cref="QuickSelectionSpec"/>.
    /// </summary>
    public static SetMlpSpec DefaultSpec(int inputs, int hidden) => new()
    {
        LayerSizes = [inputs, hidden, inputs],
        HiddenActivation = HiddenActivation.Sigmoid,
        OutputActivation = OutputActivation.Sigmoid,
        Loss = LossKind.Mse,
        Target = TrainingTarget.Inputs,
        InputNoise = 0.2f,
        Epsilon = 13,
        Zeta = 0.2,
        Optimizer = new Sgd { LearningRate = 0.01f, Momentum = 0.9f },
        BatchSize = 100,
        Epochs = 100,
    };

    /// <summary>
    /// The autoencoder of <see cref="DefaultSpec"/> with WAST's linear reconstruction, trained with WAST's importance-guided
    /// evolution after every batch (<see cref="WastEvolution"/>: λ = 0.9, ζ = 0.3) instead of SET's after each epoch, for
    /// WAST's 10 epochs. Runs on the CPU engine.
    /// </summary>
    public static SetMlpSpec WastSpec(int inputs, int hidden) => DefaultSpec(inputs, hidden) with
    {
        Wast = new WastEvolution(),
        OutputActivation = OutputActivation.Linear,
        Epochs = 10,
    };

    /// <summary>
    /// QuickSelection's setting as the authors' code trains it (Atashgahi et al., Machine Learning 2022): the
    /// <see cref="DefaultSpec"/> with a linear reconstruction (of standardised data), initial and regrown weights
    /// N(0, 1)/10, dropout 0.2 on the hidden layer and a weight decay of 0.00001. Their corruption is additive Gaussian
    /// noise (σ = 0.2); here it stays masking noise 0.2. On COIL20, Isolet and PCMAC it ranks features that beat
    /// random ones where the <see cref="DefaultSpec"/> did not (docs/feature-selection.md).
    /// </summary>
    public static SetMlpSpec QuickSelectionSpec(int inputs, int hidden) => DefaultSpec(inputs, hidden) with
    {
        OutputActivation = OutputActivation.Linear,
        WeightInit = WeightInitKind.ReferenceNormal,
        Dropout = 0.2f,
        Optimizer = new Sgd { LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 0.00001f },
    };

    /// <summary>
    /// A new autoencoder of <paramref name="spec"/> (its <see cref="SetMlpSpec.Target"/> must be the inputs; validated
    /// here, an <see cref="InvalidSpecException"/> names the field at fault) with its Erdős–Rényi topology.
    /// </summary>
    public static SetDae Create(SetMlpSpec spec, Device device = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        InvalidSpecException.Require(spec.Target == TrainingTarget.Inputs, nameof(SetMlpSpec.Target),
            "an autoencoder's target is its inputs (Target = Inputs)");
        var clock = Stopwatch.StartNew();
        var network = SparseNetwork.Create(spec);
        double seconds = clock.Elapsed.TotalSeconds;
        return new SetDae(SetEngines.CreateMlp(network, device), NewReport(spec, network.Connections, seconds), new RunState());
    }

    /// <summary>A saved autoencoder or a run's checkpoint, on <paramref name="device"/>; <c>Fit</c> continues its run.</summary>
    public static SetDae Load(string path, Device device = default) => Load(TrainingCheckpoint.Load(path), device);

    /// <summary>A loaded checkpoint's autoencoder, on <paramref name="device"/> (the model takes the checkpoint's network).</summary>
    public static SetDae Load(TrainingCheckpoint checkpoint, Device device = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var network = checkpoint.Network ?? throw new ArgumentException("the checkpoint holds an RBM, not an autoencoder; load it with SetRbm.Load");
        if (network.Spec.Target != TrainingTarget.Inputs)
            throw new ArgumentException("the checkpoint holds a classifier, not an autoencoder; load it with SetMlp.Load");
        return new SetDae(SetEngines.CreateMlp(network, device), checkpoint.Report.Snapshot(), checkpoint.InProgress with { });
    }

    /// <summary>The specification the model was made from.</summary>
    public new SetMlpSpec Spec => (SetMlpSpec)base.Spec;
    /// <summary>Features the autoencoder takes and reconstructs.</summary>
    public int Inputs => Spec.LayerSizes[0];
    /// <summary>Neurons of the code (the first hidden layer).</summary>
    public int Hidden => Spec.LayerSizes[1];

    /// <summary>The hidden code of every sample of <paramref name="data"/> (samples × <see cref="Hidden"/>), without noise.</summary>
    public Prediction Transform(Dataset data) => new(_engine.Activations(data, 1), Hidden);

    /// <summary>The reconstruction of every sample of <paramref name="data"/> (samples × <see cref="Inputs"/>), without noise.</summary>
    public Prediction Reconstruct(Dataset data) => new(_engine.Predict(data), Inputs);

    /// <summary>The reconstruction error on <paramref name="data"/> without noise: the mean over samples and inputs of (y − x)².</summary>
    public double ReconstructionError(Dataset data) => _engine.Evaluate(data).Loss;

    /// <summary>
    /// QuickSelection's importance of every input: its neuron strength, the sum of |w| over its existing outgoing
    /// connections in the first layer (a CSR row sum; the network is never densified).
    /// </summary>
    public float[] InputStrength() => Analysis.NeuronStrength.OfInputs(_engine.Export().Layers[0]);

    /// <summary>
    /// WAST's importance of every input (a run with <see cref="SetMlpSpec.Wast"/> set): the sum over the batches trained
    /// of λ · mean |x_j − y_j| + (1 − λ) · the input's strength, what WAST ranks the features by.
    /// </summary>
    public float[] InputImportance() =>
        Wast?.Importance.Inputs
        ?? throw new InvalidOperationException("input importance is WAST's: create the autoencoder with Wast set (SetDae.WastSpec)");

    /// <summary>WAST's state (importance, steps, time spent) when the specification sets <see cref="SetMlpSpec.Wast"/>; else null.</summary>
    public Evolution.Wast.WastStep? Wast => (_engine as Cpu.CpuEngine)?.Wast ?? (_engine as Gpu.IlgpuEngine)?.Wast;

    /// <summary>A host copy of the network now (topology, weights, biases and optimiser state).</summary>
    public SparseNetwork Export() => _engine.Export();

    private protected override TrainingCheckpoint CaptureModel(DataIdentity? data, Standardizer? scaling) => new()
    {
        Network = _engine.Export(), Report = History.Snapshot(), InProgress = State with { }, Data = data, Scaling = scaling,
    };

    /// <summary>The reconstruction error (clean inputs, no noise) on the held-out splits.</summary>
    private protected override EpochMetrics EvaluateEpoch(int epoch, TrainingData data) =>
        new(Measure(data.Validation), Measure(data.Test), null);

    Metrics? Measure(Dataset? data) =>
        data is null ? null : new Metrics { Loss = _engine.Evaluate(data).Loss, Samples = data.Samples };
}
