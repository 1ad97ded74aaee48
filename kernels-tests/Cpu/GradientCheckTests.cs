using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.KernelsTests.Support;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>
/// Whole-network gradients of the CPU engine against central finite differences of the loss it reports, for
/// every output/loss pair: this is what proves each loss has the correct derivative, and with SReLU (its parameters
/// drawn so that every piece is reached) the gradients of its four parameters per neuron. With momentum and decay
/// at 0, one step changes each weight by −η·g, so g = −Δw/η. Float32 forward passes with h = 1e-3 leave about
/// 1e-4 of noise, hence the tolerance: 2e-2 · max(|g|, 1e-2) absolute.
/// </summary>
public class GradientCheckTests
{
    public static TheoryData<OutputActivation, LossKind, HiddenActivation> Pairs => new()
    {
        { OutputActivation.Softmax, LossKind.CrossEntropy, HiddenActivation.Tanh },
        { OutputActivation.Softmax, LossKind.Mse, HiddenActivation.Sigmoid },
        { OutputActivation.Sigmoid, LossKind.Mse, HiddenActivation.Tanh },
        { OutputActivation.Sigmoid, LossKind.CrossEntropy, HiddenActivation.Sigmoid },
        { OutputActivation.Linear, LossKind.Mse, HiddenActivation.Tanh },
        { OutputActivation.Softmax, LossKind.CrossEntropy, HiddenActivation.AllRelu }, // kinks: seeded so none is crossed
        { OutputActivation.Sigmoid, LossKind.Mse, HiddenActivation.LeakyRelu },
        { OutputActivation.Softmax, LossKind.CrossEntropy, HiddenActivation.SRelu }, // kinks at t_l and t_r: none crossed either
        { OutputActivation.Sigmoid, LossKind.Mse, HiddenActivation.SRelu },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Training_step_gradient_matches_finite_differences(OutputActivation output, LossKind loss, HiddenActivation hidden)
    {
        const int samples = 5;
        const float lr = 1e-3f;
        var spec = new SetMlpSpec
        {
            LayerSizes = [6, 9, 7, 4], HiddenActivation = hidden, OutputActivation = output, Loss = loss, Epsilon = 3, Seed = 7,
            BatchSize = samples, EvaluationBatchSize = samples, Optimizer = new Sgd { LearningRate = lr, Momentum = 0, WeightDecay = 0 },
        };
        var network = OptimizerLayers.WithRandomSRelu(SparseNetwork.Create(spec), seed: 5);
        var rng = new System.Random(3);
        var data = new Dataset("gradient-check", Enumerable.Range(0, samples * 6).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(),
                               [0, 1, 2, 3, 1], 6, 4);
        int[] order = [0, 1, 2, 3, 4];

        var stepped = network.Clone();
        using (var engine = new CpuEngine(stepped))
        {
            engine.SetTrainingData(data);
            engine.TrainEpoch(order, step: 0, spec);
        }

        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            for (int k = 0; k < layer.Connections; k += 3)
            {
                double analytic = -(stepped.Layers[l].Weights[k] - layer.Weights[k]) / lr;
                double numeric = NumericGradient(network, data, w => w.Layers[l].Weights, k);
                Assert.True(Math.Abs(analytic - numeric) <= 2e-2 * Math.Max(Math.Abs(numeric), 1e-2),
                    $"layer {l} weight {k}: backprop {analytic:G6}, finite difference {numeric:G6}");
            }
            for (int j = 0; j < layer.Outputs; j++)
            {
                double analytic = -(stepped.Layers[l].Bias[j] - layer.Bias[j]) / lr;
                double numeric = NumericGradient(network, data, w => w.Layers[l].Bias, j);
                Assert.True(Math.Abs(analytic - numeric) <= 2e-2 * Math.Max(Math.Abs(numeric), 1e-2),
                    $"layer {l} bias {j}: backprop {analytic:G6}, finite difference {numeric:G6}");
            }
            var reached = new bool[SReluParameters.Count]; // every parameter kind has some gradient to check
            for (int k = 0; k < (layer.ActivationParameters?.Length ?? 0); k++)
            {
                double analytic = -(stepped.Layers[l].ActivationParameters![k] - layer.ActivationParameters![k]) / lr;
                reached[k / layer.Outputs] |= Math.Abs(analytic) > 1e-3;
                double numeric = NumericGradient(network, data, w => w.Layers[l].ActivationParameters!, k);
                Assert.True(Math.Abs(analytic - numeric) <= 2e-2 * Math.Max(Math.Abs(numeric), 1e-2),
                    $"layer {l} SReLU parameter {k / layer.Outputs} of neuron {k % layer.Outputs}: backprop {analytic:G6}, finite difference {numeric:G6}");
            }
            if (layer.ActivationParameters is not null) Assert.All(reached, Assert.True);
        }
    }

    static double NumericGradient(SparseNetwork network, Dataset data, Func<SparseNetwork, float[]> parameters, int index)
    {
        const float h = 1e-3f;
        double Loss(float delta)
        {
            var copy = network.Clone();
            parameters(copy)[index] += delta;
            using var engine = new CpuEngine(copy);
            return engine.Evaluate(data).Loss;
        }
        return (Loss(h) - Loss(-h)) / (2 * h);
    }

    /// <summary>
    /// <see cref="LossKind.MseReference"/> is not a gradient of anything, so it is checked against the reference code's
    /// formula instead: its MSE.delta is (y − t)·Sigmoid.prime(y), with prime(x) = σ(x)·(1 − σ(x)) applied to the
    /// output y = σ(z). Written here in double from that definition; float32 engine, tolerance 1e-6 relative.
    /// </summary>
    [Fact]
    public void Reference_mse_delta_is_the_reference_codes_formula()
    {
        const int outputs = 5, batch = 3;
        var rng = new System.Random(11);
        var z = Enumerable.Range(0, outputs * batch).Select(_ => (float)(rng.NextDouble() * 12 - 6)).ToArray();
        var y = new float[z.Length];
        var delta = new float[z.Length];
        int[] labels = [4, 0, 2];
        OutputLayer.Run(new LayerActivation(ActivationKind.Sigmoid), LossKind.MseReference, z, y, delta, labels, outputs, batch);
        static double Sigma(double x) => 1 / (1 + Math.Exp(-x));
        for (int k = 0; k < outputs; k++)
            for (int b = 0; b < batch; b++)
            {
                double yk = Sigma(z[k * batch + b]), t = labels[b] == k ? 1 : 0;
                double expected = (yk - t) * Sigma(yk) * (1 - Sigma(yk));
                Assert.True(Math.Abs(delta[k * batch + b] - expected) <= 1e-6 * Math.Max(Math.Abs(expected), 1e-3),
                    $"output {k} sample {b}: δ {delta[k * batch + b]:G7}, reference formula {expected:G7}");
                // It differs from the true MSE derivative (y − t)·y·(1 − y), which vanishes as y saturates.
            }
        var refused = Assert.Throws<InvalidSpecException>(() => new SetMlpSpec { LayerSizes = [2, 2], OutputActivation = OutputActivation.Softmax, Loss = LossKind.MseReference }.Validate());
        Assert.Equal("Loss", refused.Field);
    }
}
