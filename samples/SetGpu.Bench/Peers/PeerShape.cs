using SetGpu.Data;
using SetGpu.Model;

namespace SetGpu.Bench.Peers;

/// <summary>
/// One row of the peers table: a network shape, its data and the settings every peer trains it with. The lung-style
/// rows take the scaling table's settings (the reference's: sigmoid output, its MSE δ, N(0,1)/10, ε = 20, batch 2);
/// MNIST takes SetGpu's defaults for softmax outputs (cross-entropy, He-uniform) at batch 128 with ε = 20.
/// </summary>
internal sealed record PeerShape(string Name, string Dataset, int[] Layers, int Batch, int Epochs,
                                 OutputActivation Output, LossKind Loss, WeightInitKind Init)
{
    public const double Epsilon = 20, Zeta = 0.3;
    public const float LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 0.0002f;

    /// <summary>3312-H-H-H-5 on the reference-style lung data, batch 2.</summary>
    public static PeerShape Lung(int neurons, int epochs) =>
        new($"lung:{neurons}", "lung", [3312, neurons, neurons, neurons, 5], 2, epochs,
            OutputActivation.Sigmoid, LossKind.MseReference, WeightInitKind.ReferenceNormal);

    /// <summary>784-1000-1000-1000-10 on MNIST, batch 128.</summary>
    public static PeerShape Mnist(int epochs) =>
        new("mnist", "mnist", [784, 1000, 1000, 1000, 10], 128, epochs,
            OutputActivation.Softmax, LossKind.CrossEntropy, WeightInitKind.HeUniform);

    /// <summary>Parses what <see cref="Name"/> prints: <c>lung:H</c> or <c>mnist</c>.</summary>
    public static PeerShape Parse(string name, int epochs) =>
        name == "mnist" ? Mnist(epochs)
        : name.StartsWith("lung:", StringComparison.Ordinal) && int.TryParse(name[5..], out int h) && h > 0 ? Lung(h, epochs)
        : throw new ArgumentException($"unknown peers shape '{name}' (lung:H or mnist)");

    /// <summary>The names the python peers take for the output and the initialiser.</summary>
    public string OutputName => Output == OutputActivation.Sigmoid ? "sigmoid" : "softmax";
    public string InitName => Init == WeightInitKind.ReferenceNormal ? "normal" : "he-uniform";

    /// <summary>What the network is, in words, for the table.</summary>
    public string Description => $"{string.Join('-', Layers)}, batch {Batch}, {OutputName} " +
                                 $"{(Loss == LossKind.MseReference ? "+ reference MSE δ" : "+ cross-entropy")}, {InitName} init";

    public SetMlpSpec Spec() => new()
    {
        LayerSizes = Layers, HiddenActivation = HiddenActivation.Relu, OutputActivation = Output, Loss = Loss,
        Epsilon = Epsilon, Zeta = Zeta, WeightInit = Init, Epochs = Epochs, BatchSize = Batch, Seed = 1,
        Optimizer = new Sgd { LearningRate = LearningRate, Momentum = Momentum, WeightDecay = WeightDecay },
    };

    /// <summary>The split every peer trains and tests on (the python peers read it from the .npy files it is exported to).</summary>
    public DatasetSplit LoadData(string dataDirectory) => Dataset == "lung"
        ? ScalingRow.LungData(1)
        : Standardizer.FitTransform(new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = dataDirectory, AllowDownload = false })
                                        .Load("mnist", seed: 1), StandardizationMode.Global);

    /// <summary>Dense positions per layer: what the masked and dense peers hold a float (and more) for.</summary>
    public long DensePositions => Layers.Zip(Layers.Skip(1), (a, b) => (long)a * b).Sum();

    /// <summary>SetGpu's connection count: min(⌊ε·(n_in + n_out)⌋, n_in·n_out) per layer.</summary>
    public long Connections => Layers.Zip(Layers.Skip(1), (a, b) => Math.Min((long)Math.Floor(Epsilon * (a + b)), (long)a * b)).Sum();
}
