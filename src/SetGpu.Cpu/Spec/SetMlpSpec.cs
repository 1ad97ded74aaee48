using System.Text.Json.Serialization;
using SetGpu.Model;

namespace SetGpu;

/// <summary>
/// A SET multilayer perceptron and how it is trained: the architecture (layer sizes, activations, loss, initialiser,
/// dropout) over the shared SET, optimiser and schedule settings of <see cref="SetSpec"/>.
/// </summary>
public sealed record SetMlpSpec : SetSpec
{
    /// <summary>Neurons per layer, input first, output last (at least two entries).</summary>
    public required int[] LayerSizes { get; init; }
    /// <summary>Activation of every hidden layer.</summary>
    public HiddenActivation HiddenActivation { get; init; } = HiddenActivation.Relu;
    /// <summary>Negative slope of leaky ReLU.</summary>
    public float LeakySlope { get; init; } = 0.01f;
    /// <summary>α of All-ReLU: the negative slope alternates −α, +α, −α, … over hidden layers.</summary>
    public float AllReluSlope { get; init; } = 0.75f;
    /// <summary>Activation of the output layer.</summary>
    public OutputActivation OutputActivation { get; init; } = OutputActivation.Softmax;
    /// <summary>Training loss.</summary>
    public LossKind Loss { get; init; } = LossKind.CrossEntropy;
    /// <summary>Whether the output layer evolves too.</summary>
    public bool EvolveOutputLayer { get; init; } = true;
    /// <summary>How new connection values are drawn.</summary>
    public WeightInitKind WeightInit { get; init; } = WeightInitKind.HeUniform;
    /// <summary>The values of regrown connections.</summary>
    public RegrowthValues Regrowth { get; init; } = RegrowthValues.Initializer;
    /// <summary>Dropout rate on hidden layers during training (inverted dropout; 0 disables).</summary>
    public float Dropout { get; init; }
    /// <summary>
    /// Masking noise on the inputs during training: each input value is set to zero with this probability (not
    /// rescaled), keyed by the counter generator like dropout; 0 disables. A denoising autoencoder's corruption.
    /// </summary>
    public float InputNoise { get; init; }
    /// <summary>What the outputs are trained towards: the labels (a classifier) or the clean inputs (an autoencoder).</summary>
    public TrainingTarget Target { get; init; } = TrainingTarget.Labels;
    /// <summary>
    /// Importance-guided evolution after every few batches (WAST, for an autoencoder with one hidden layer)
    /// in place of SET's evolution after each epoch; null: SET's evolution.
    /// </summary>
    public WastEvolution? Wast { get; init; }

    /// <summary>Number of weight layers.</summary>
    [JsonIgnore]
    public int LayerCount => LayerSizes.Length - 1;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        InvalidSpecException.Require(LayerSizes is { Length: >= 2 }, nameof(LayerSizes), "layer sizes: need at least an input and an output layer");
        for (int i = 0; i < LayerSizes.Length; i++)
            InvalidSpecException.Require(LayerSizes[i] > 0, nameof(LayerSizes),
                $"layer sizes: layer {i} has {LayerSizes[i]} neurons; every layer needs at least one");
        InvalidSpecException.Require(Enum.IsDefined(HiddenActivation), nameof(HiddenActivation), $"hidden activation: unknown kind {HiddenActivation}");
        InvalidSpecException.Require(Enum.IsDefined(OutputActivation), nameof(OutputActivation), $"output activation: unknown kind {OutputActivation}");
        InvalidSpecException.Require(Enum.IsDefined(Loss), nameof(Loss), $"loss: unknown kind {Loss}");
        InvalidSpecException.Require(!(Loss == LossKind.CrossEntropy && OutputActivation == OutputActivation.Linear), nameof(Loss),
            "cross-entropy loss needs a softmax or sigmoid output, not linear");
        InvalidSpecException.Require(!(Loss == LossKind.MseReference && OutputActivation != OutputActivation.Sigmoid), nameof(Loss),
            $"the reference MSE (mse-reference) needs a sigmoid output, not {OutputActivation}");
        InvalidSpecException.Require(float.IsFinite(LeakySlope) && float.IsFinite(AllReluSlope), nameof(LeakySlope), "activation slopes must be finite");
        InvalidSpecException.Require(Enum.IsDefined(WeightInit), nameof(WeightInit), $"weight initialiser: unknown kind {WeightInit}");
        InvalidSpecException.Require(WeightInit != WeightInitKind.Zero, nameof(WeightInit),
            "weight initialiser: Zero is for regrown connections (Regrowth = Zero); a network starting from 0 gives every unit of a layer the same gradient");
        InvalidSpecException.Require(Enum.IsDefined(Regrowth), nameof(Regrowth), $"regrowth values: unknown kind {Regrowth}");
        InvalidSpecException.Require(Dropout >= 0 && Dropout < 1, nameof(Dropout), $"dropout must lie in [0, 1), got {Dropout}");
        InvalidSpecException.Require(InputNoise >= 0 && InputNoise < 1, nameof(InputNoise), $"input noise must lie in [0, 1), got {InputNoise}");
        InvalidSpecException.Require(Enum.IsDefined(Target), nameof(Target), $"target: unknown kind {Target}");
        if (Target == TrainingTarget.Inputs)
        {
            InvalidSpecException.Require(LayerSizes[0] == LayerSizes[^1], nameof(LayerSizes),
                $"an autoencoder reconstructs its inputs: the output layer needs {LayerSizes[0]} neurons, not {LayerSizes[^1]}");
            InvalidSpecException.Require(OutputActivation != OutputActivation.Softmax, nameof(OutputActivation),
                "an autoencoder's reconstruction is sigmoid or linear, not softmax");
            InvalidSpecException.Require(Loss == LossKind.Mse, nameof(Loss), $"an autoencoder is trained with MSE, not {Loss}");
        }
        if (Wast is not null)
        {
            Wast.Validate();
            InvalidSpecException.Require(Target == TrainingTarget.Inputs && LayerSizes.Length == 3, nameof(Wast),
                $"WAST's importance-guided evolution is for an autoencoder with one hidden layer (Target = Inputs, 3 layer sizes), not {Target} {Shape}");
            InvalidSpecException.Require(Topology == TopologyKind.Set, nameof(Wast), $"WAST evolves the topology: it needs Topology = Set, not {Topology}");
            InvalidSpecException.Require(Regrowth == RegrowthValues.Initializer, nameof(Regrowth),
                "WAST's drop ranks |w| · importance, so a connection regrown at 0 would be the first dropped: it needs Regrowth = Initializer");
        }
        for (int l = 0; l < LayerCount; l++)
            InvalidSpecException.Require(InitialConnections(l) <= int.MaxValue, nameof(Epsilon),
                $"layer {l}: {InitialConnections(l)} connections exceed the 2^31-1 a layer can hold; lower epsilon or split the layer");
    }

    /// <summary>The activation engines apply in weight layer <paramref name="layer"/> (0-based).</summary>
    public LayerActivation ActivationOf(int layer)
    {
        if (layer == LayerCount - 1)
            return OutputActivation switch
            {
                OutputActivation.Sigmoid => new(ActivationKind.Sigmoid),
                OutputActivation.Softmax => new(ActivationKind.Softmax),
                _ => new(ActivationKind.PiecewiseLinear, 1f),
            };
        return HiddenActivation switch
        {
            HiddenActivation.Relu => new(ActivationKind.PiecewiseLinear, 0f),
            HiddenActivation.LeakyRelu => new(ActivationKind.PiecewiseLinear, LeakySlope),
            HiddenActivation.AllRelu => new(ActivationKind.PiecewiseLinear, layer % 2 == 0 ? -AllReluSlope : AllReluSlope),
            HiddenActivation.Sigmoid => new(ActivationKind.Sigmoid),
            HiddenActivation.SRelu => new(ActivationKind.SRelu),
            _ => new(ActivationKind.Tanh),
        };
    }

    /// <summary>Connections of weight layer <paramref name="layer"/> at initialisation.</summary>
    public long InitialConnections(int layer)
    {
        long inputs = LayerSizes[layer], outputs = LayerSizes[layer + 1];
        long full = inputs * outputs;
        if (Topology == TopologyKind.Dense) return full;
        return Math.Min(full, (long)(Epsilon * (inputs + outputs)));
    }

    /// <summary>Whether weight layer <paramref name="layer"/> evolves.</summary>
    public bool Evolves(int layer) => Topology == TopologyKind.Set && (EvolveOutputLayer || layer < LayerCount - 1);

    /// <summary>Layer sizes as <c>784-1000-10</c>.</summary>
    [JsonIgnore]
    public string Shape => string.Join("-", LayerSizes);

    /// <summary>Value equality, the layer sizes compared element by element (a record compares arrays by reference).</summary>
    public bool Equals(SetMlpSpec? other) =>
        other is not null && base.Equals(other) && LayerSizes.AsSpan().SequenceEqual(other.LayerSizes)
        && HiddenActivation == other.HiddenActivation && LeakySlope.Equals(other.LeakySlope) && AllReluSlope.Equals(other.AllReluSlope)
        && OutputActivation == other.OutputActivation && Loss == other.Loss && EvolveOutputLayer == other.EvolveOutputLayer
        && WeightInit == other.WeightInit && Regrowth == other.Regrowth && Dropout.Equals(other.Dropout) && InputNoise.Equals(other.InputNoise) && Target == other.Target
        && Equals(Wast, other.Wast);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Shape, HiddenActivation, OutputActivation, Loss, Dropout, HashCode.Combine(InputNoise, Target, Wast, WeightInit, Regrowth));
}

/// <summary>What a network's outputs are trained towards.</summary>
public enum TrainingTarget
{
    /// <summary>The sample's label (classification).</summary>
    Labels,
    /// <summary>The sample's clean inputs (an autoencoder: outputs as many as inputs, MSE).</summary>
    Inputs,
}
