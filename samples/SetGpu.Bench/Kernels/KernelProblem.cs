using SetGpu.Cpu.Rbm;
using SetGpu.Model;

namespace SetGpu.Bench.Kernels;

/// <summary>
/// The problem every kernel family is timed on: the hidden-to-output layer of an N-N-N SET-MLP (ε connections per
/// neuron pair share, sigmoid output, MSE) and a batch of B samples, blocks filled with ±0.5 plus a little noise (never
/// zero, so no kernel skips work); evolution prunes and regrows a fraction ζ. The RBM families use the same layer as
/// an N × N RBM with <see cref="RbmLanes.Stride"/>(B) lanes.
/// </summary>
internal sealed class KernelProblem(int neurons, double epsilon, int batch, double zeta)
{
    /// <summary>Neurons per layer.</summary>
    public int Neurons { get; } = neurons;

    /// <summary>Samples per batch.</summary>
    public int Batch { get; } = batch;

    /// <summary>The fraction of each sign's connections an evolution step prunes and regrows.</summary>
    public double Zeta { get; } = zeta;

    readonly Lazy<SparseNetwork> _network = new(() => SparseNetwork.Create(new SetMlpSpec
    {
        LayerSizes = [neurons, neurons, neurons], OutputActivation = OutputActivation.Sigmoid, Loss = LossKind.Mse, Epsilon = epsilon,
        Zeta = zeta, BatchSize = batch, Seed = 1,
    }));

    /// <summary>The timed layer (layer 1 of the network), a fresh copy: evolution changes a layer.</summary>
    public SparseLayer Layer() => _network.Value.Layers[1].Clone();

    /// <summary>
    /// The timed layer with <paramref name="states"/> optimiser state arrays (zero), as SReLU's layer with its initial
    /// parameters when <paramref name="srelu"/>.
    /// </summary>
    public SparseLayer Layer(int states, bool srelu = false)
    {
        var l = Layer();
        float[][] Zeros(int length) => Enumerable.Range(0, states).Select(_ => new float[length]).ToArray();
        return srelu
            ? new(l.Inputs, l.Outputs, new LayerActivation(ActivationKind.SRelu), l.Init, l.Pattern, l.Weights, Zeros(l.Connections), l.Bias,
                  Zeros(l.Outputs), SReluParameters.Initial(1, 1, l.Outputs), Zeros(SReluParameters.Count * l.Outputs))
            : new(l.Inputs, l.Outputs, l.Activation, l.Init, l.Pattern, l.Weights, Zeros(l.Connections), l.Bias, Zeros(l.Outputs));
    }

    /// <summary>The activation of the timed layer's inputs (layer 0's), which the backward pass differentiates.</summary>
    public LayerActivation InputActivation => _network.Value.Layers[0].Activation;

    /// <summary>The timed layer's connections.</summary>
    public long Connections => _network.Value.Layers[1].Connections;

    /// <summary>Lanes per unit of the RBM blocks.</summary>
    public int Stride => RbmLanes.Stride(Batch);

    /// <summary>A block of <paramref name="rows"/> × <paramref name="lanes"/> random nonzero values.</summary>
    public static float[] Block(int rows, int lanes, int seed)
    {
        var rng = new Random(seed);
        var block = new float[(long)rows * lanes];
        for (long i = 0; i < block.LongLength; i++) block[i] = Value(rng);
        return block;
    }

    /// <summary>±0.5 with a little noise, never zero (nothing is skipped).</summary>
    public static float Value(Random rng) => (float)(rng.NextDouble() * 2 - 1) * 0.01f + (rng.Next(2) == 0 ? 0.5f : -0.5f);
}
