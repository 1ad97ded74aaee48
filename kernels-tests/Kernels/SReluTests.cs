using ILGPU;
using ILGPU.Runtime;
using MathNet.Numerics.LinearAlgebra;
using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Sparse;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// SReLU's reference, written from its definition in double precision (not from <see cref="SReluParameters"/>): the
/// forward pass z = W·x + b, a = f(z)·dropout, and the SReLU step: the four parameter gradients per neuron as means
/// over the batch of δ·∂f/∂θ, δ ← δ·∂f/∂z, then SGD (momentum, no decay) or Adam on the parameters.
/// </summary>
internal static class SReluReference
{
    /// <summary>f(z) of neuron j with parameters (t_l, a_l, t_r, a_r) = P[:, j].</summary>
    public static double F(double z, double tl, double al, double tr, double ar) =>
        z >= tr ? tr + ar * (z - tr) : z <= tl ? tl + al * (z - tl) : z;

    static (double Tl, double Al, double Tr, double Ar) Parameters(SparseLayer layer, int j)
    {
        var p = layer.ActivationParameters!;
        int n = layer.Outputs;
        return (p[j], p[n + j], p[2 * n + j], p[3 * n + j]);
    }

    public static (Matrix<double> Z, Matrix<double> A) Forward(SparseLayer layer, float[] x, int batch, DropoutSpec? dropout)
    {
        var z = TestLayers.DenseWeights(layer) * TestLayers.AsMatrix(x, layer.Inputs, batch);
        for (int j = 0; j < layer.Outputs; j++)
            for (int b = 0; b < batch; b++) z[j, b] += layer.Bias[j];
        var a = Matrix<double>.Build.Dense(layer.Outputs, batch, (j, b) =>
        {
            var (tl, al, tr, ar) = Parameters(layer, j);
            return F((float)z[j, b], tl, al, tr, ar) * (dropout is { } d ? DropoutMask.Factor(d.Key, j, b, batch, d.Rate, d.KeepScale) : 1f);
        });
        return (z, a);
    }

    /// <summary>The parameter gradients (4 × outputs, planar) and δ·f'(z), from z and δ = ∂loss/∂a.</summary>
    public static (double[] Gradient, Matrix<double> Delta) Backward(SparseLayer layer, float[] z, float[] delta, int batch)
    {
        int n = layer.Outputs;
        var gradient = new double[4 * n];
        var result = Matrix<double>.Build.Dense(n, batch);
        for (int j = 0; j < n; j++)
        {
            var (tl, al, tr, ar) = Parameters(layer, j);
            for (int b = 0; b < batch; b++)
            {
                double x = z[j * batch + b], u = delta[j * batch + b];
                if (x >= tr) { gradient[2 * n + j] += u * (1 - ar); gradient[3 * n + j] += u * (x - tr); result[j, b] = u * ar; }
                else if (x <= tl) { gradient[j] += u * (1 - al); gradient[n + j] += u * (x - tl); result[j, b] = u * al; }
                else result[j, b] = u;
            }
        }
        for (int k = 0; k < gradient.Length; k++) gradient[k] /= batch;
        return (gradient, result);
    }

    public static readonly Sgd Sgd = new() { LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 0.01f };
    public static readonly Adam Adam = new() { LearningRate = 0.01f, WeightDecay = 0.01f, Epsilon = 1e-3f };

    /// <summary>Asserts the layer's parameters and their state after one step from <paramref name="before"/> (the decay is not applied).</summary>
    public static void AssertStep(SparseLayer before, SparseLayer after, double[] gradient, Optimizer o, string what)
    {
        if (o is AdaptiveMoments adam)
        {
            AdamReference.AssertSteps(before.ActivationParameters!, before.ActivationState, after.ActivationParameters!,
                after.ActivationState, k => gradient[k], adam with { WeightDecay = 0 }, [0], what);
            return;
        }
        var sgd = (Sgd)o;
        for (int k = 0; k < gradient.Length; k++)
        {
            double v = sgd.Momentum * before.ActivationState[0][k] - sgd.LearningRate * gradient[k];
            double p = before.ActivationParameters![k] + v;
            Assert.True(Math.Abs(after.ActivationState[0][k] - v) <= MlpKernelShapes.Tolerance, $"{what} parameter {k} velocity: expected {v}, got {after.ActivationState[0][k]}");
            Assert.True(Math.Abs(after.ActivationParameters![k] - p) <= MlpKernelShapes.Tolerance * Math.Max(1, Math.Abs(p)),
                $"{what} parameter {k}: expected {p}, got {after.ActivationParameters[k]}");
        }
    }

    /// <summary>A random SReLU layer of the shape with the optimiser's state arrays.</summary>
    public static SparseLayer Layer(int inputs, int outputs, double density, int batch, int states) =>
        OptimizerLayers.WithSRelu(TestLayers.Random(inputs, outputs, density, seed: inputs + batch), states, seed: outputs + batch);
}

/// <summary>The CPU twins: the forward epilogue (in the gather and the scatter) and <see cref="SReluUpdate"/>.</summary>
public class SReluCpuTwinTests
{
    [Theory]
    [MemberData(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Forward_applies_each_neurons_srelu(int inputs, int outputs, double density, int batch)
    {
        var layer = SReluReference.Layer(inputs, outputs, density, batch, states: 1);
        foreach (var dropout in new DropoutSpec?[] { null, SpmmForwardReference.Dropout })
        {
            var x = SpmmForwardReference.Input(inputs, batch);
            var (expectedZ, expectedA) = SReluReference.Forward(layer, x, batch, dropout);
            var z = new float[outputs * batch];
            var a = new float[outputs * batch];
            SpmmForwardGather.Run(layer, IncomingIndex.Build(layer.Pattern, outputs), x, z, a, batch, dropout);
            TestLayers.AssertClose(expectedZ, z, MlpKernelShapes.Tolerance, "z (gather)");
            TestLayers.AssertClose(expectedA, a, MlpKernelShapes.Tolerance, $"a (gather, dropout {dropout is not null})");
            if (batch > SpmmForwardScatter.MaxBatch) continue;
            SpmmForwardScatter.Run(layer, x, z, a, batch, dropout, SpmmForwardScatter.NewPartials(outputs, batch));
            TestLayers.AssertClose(expectedA, a, MlpKernelShapes.Tolerance, $"a (scatter, dropout {dropout is not null})");
        }
    }

    [Theory]
    [MemberData(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Update_gives_the_parameter_gradients_and_delta_of_the_definition(int inputs, int outputs, double density, int batch)
    {
        foreach (var o in new Optimizer[] { SReluReference.Sgd, SReluReference.Adam })
        {
            var layer = SReluReference.Layer(inputs, outputs, density, batch, o.StateArrays);
            var before = layer.Clone();
            var z = TestLayers.RandomBlock(outputs, batch, seed: 6);
            var delta = TestLayers.RandomBlock(outputs, batch, seed: 7);
            var (gradient, expectedDelta) = SReluReference.Backward(layer, z, delta, batch);
            var size = new StepSize(o.LearningRate, 0f);
            if (o is Sgd sgd) SReluUpdate.Run(layer, z, delta, batch, new SgdStep(sgd, size));
            else SReluUpdate.Run(layer, z, delta, batch, new AdamStep((Adam)o, size, 0));
            TestLayers.AssertClose(expectedDelta, delta, MlpKernelShapes.Tolerance, $"δ ({o.GetType().Name})");
            SReluReference.AssertStep(before, layer, gradient, o, o.GetType().Name);
            Assert.Equal(TestLayers.Bits(before.Weights), TestLayers.Bits(layer.Weights));
            Assert.Equal(TestLayers.Bits(before.Bias), TestLayers.Bits(layer.Bias));
        }
    }
}

/// <summary>
/// SReLU in <see cref="SpmmForwardKernel.Forward"/> and <see cref="SReluKernel.UpdateSRelu"/>, launched directly on each
/// backend against the reference, on blocks padded to whole quads.
/// </summary>
public class SReluTests(Accelerators accelerators) : IClassFixture<Accelerators>
{
    [BackendTheory(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Forward_applies_each_neurons_srelu(string backend, int inputs, int outputs, double density, int batch)
    {
        var accelerator = accelerators.Open(backend);
        var launches = TrainingLaunches.For(accelerator);
        int lanes = TrainingKernels.Lanes(batch);
        var layer = SReluReference.Layer(inputs, outputs, density, batch, states: 1);
        var dropout = SpmmForwardReference.Dropout;
        var x = SpmmForwardReference.Input(inputs, batch);
        var (expectedZ, expectedA) = SReluReference.Forward(layer, x, batch, dropout);
        using var device = new DeviceLayer(accelerator, layer);
        using var xd = accelerator.Allocate1D(TestLayers.Padded(x, inputs, batch, lanes));
        using var zd = accelerator.Allocate1D<float>(outputs * lanes);
        using var ad = accelerator.Allocate1D<float>(outputs * lanes);
        launches.Forward(device, xd, zd, ad, batch, new ActivationParams
        {
            Kind = (int)ActivationKind.SRelu, DropoutEnabled = 1, DropoutKey = dropout.Key, DropoutRate = dropout.Rate, KeepScale = dropout.KeepScale,
        });
        accelerator.Synchronize();
        TestLayers.AssertClose(expectedZ, TestLayers.Unpadded(zd.GetAsArray1D(), outputs, batch, lanes), MlpKernelShapes.Tolerance, $"z on {backend}");
        TestLayers.AssertClose(expectedA, TestLayers.Unpadded(ad.GetAsArray1D(), outputs, batch, lanes), MlpKernelShapes.Tolerance, $"a on {backend}");
    }

    [BackendTheory(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Update_gives_the_parameter_gradients_and_delta_of_the_definition(string backend, int inputs, int outputs, double density, int batch)
    {
        var accelerator = accelerators.Open(backend);
        var launches = TrainingLaunches.For(accelerator);
        int lanes = TrainingKernels.Lanes(batch);
        foreach (var o in new Optimizer[] { SReluReference.Sgd, SReluReference.Adam })
        {
            var layer = SReluReference.Layer(inputs, outputs, density, batch, o.StateArrays);
            var z = TestLayers.RandomBlock(outputs, batch, seed: 6);
            var delta = TestLayers.RandomBlock(outputs, batch, seed: 7);
            var (gradient, expectedDelta) = SReluReference.Backward(layer, z, delta, batch);
            using var device = new DeviceLayer(accelerator, layer);
            using var zd = accelerator.Allocate1D(TestLayers.Padded(z, outputs, batch, lanes));
            using var deltaD = accelerator.Allocate1D(TestLayers.Padded(delta, outputs, batch, lanes));
            launches.UpdateSRelu(device, zd, deltaD, batch, OptimizerParams.Of(o, new StepSize(o.LearningRate, o.WeightDecay), 0, decay: false));
            accelerator.Synchronize();
            TestLayers.AssertClose(expectedDelta, TestLayers.Unpadded(deltaD.GetAsArray1D(), outputs, batch, lanes), MlpKernelShapes.Tolerance,
                                   $"δ on {backend} ({o.GetType().Name})");
            SReluReference.AssertStep(layer, device.Download(), gradient, o, $"{o.GetType().Name} on {backend}");
        }
    }
}
