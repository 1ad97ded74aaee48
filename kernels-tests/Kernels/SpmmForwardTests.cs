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
/// The forward SpMM family's reference and shapes: z = W·x + b and a = f(z)·dropout, dense (MathNet, the mask applied),
/// in double precision, on <see cref="MlpKernelShapes"/>.
/// </summary>
internal static class SpmmForwardReference
{
    public static readonly LayerActivation[] Activations =
    [
        new(ActivationKind.PiecewiseLinear, 0f), new(ActivationKind.PiecewiseLinear, -0.75f),
        new(ActivationKind.Sigmoid), new(ActivationKind.Tanh),
    ];

    /// <summary>The dropout the tests apply to every other activation: rate 0.25 under a fixed key.</summary>
    public static readonly DropoutSpec Dropout = new(DropoutMask.Key(3, 1, 7), 0.25f);

    /// <summary>A random input block (inputs × batch) with every third row zero (rows the scatter skips).</summary>
    public static float[] Input(int inputs, int batch)
    {
        var x = TestLayers.RandomBlock(inputs, batch, seed: 5);
        for (int i = 0; i < inputs; i += 3) Array.Clear(x, i * batch, batch);
        return x;
    }

    /// <summary>z = W·x + b and a = f(z), times the dropout factor when <paramref name="dropout"/> is given.</summary>
    public static (Matrix<double> Z, Matrix<double> A) Expected(SparseLayer layer, float[] x, int batch, DropoutSpec? dropout)
    {
        var z = TestLayers.DenseWeights(layer) * TestLayers.AsMatrix(x, layer.Inputs, batch);
        for (int j = 0; j < layer.Outputs; j++)
            for (int b = 0; b < batch; b++) z[j, b] += layer.Bias[j];
        var (kind, slope) = (layer.Activation.Kind, layer.Activation.Slope);
        var a = Matrix<double>.Build.Dense(layer.Outputs, batch, (j, b) =>
            ActivationMath.Apply(kind, slope, (float)z[j, b])
            * (dropout is { } d ? DropoutMask.Factor(d.Key, j, b, batch, d.Rate, d.KeepScale) : 1f));
        return (z, a);
    }
}

/// <summary>
/// When the device splits a layer's forward gather (<see cref="TrainingKernels.ForwardSegments"/>): only narrow layers
/// with long incoming lists, into about √(length) parts; and the shapes the kernel tests run take both paths.
/// </summary>
public class ForwardSegmentsTests
{
    [Theory]
    [InlineData(5, 1, 150_000L, 173)]         // the lung network's output layer behind 30,000 neurons, batch 2
    [InlineData(20, 1, 20_000L, 15)]          // COIL20's output layer: 1,000 inputs each
    [InlineData(1000, 1, 40_000L, 1)]         // a hidden layer of 1,000 neurons, 40 connections each: too short
    [InlineData(30_000, 1, 1_200_000L, 1)]    // enough neurons to fill a device
    [InlineData(10, 32, 10_000L, 15)]         // MNIST's output layer at batch 128: 160 work items
    public void Splits_only_narrow_layers_with_long_lists(int outputs, int quads, long connections, int expected) =>
        Assert.Equal(expected, TrainingKernels.ForwardSegments(outputs, quads, connections));

    /// <summary>The kernel tests' shapes include layers the device splits (ForwardPartial and ForwardFinish) and ones it does not.</summary>
    [Fact]
    public void The_shapes_take_both_the_single_and_the_split_gather()
    {
        var segments = MlpKernelShapes.Shapes.Select(row =>
        {
            var (inputs, outputs, density, batch) = ((int)row[0], (int)row[1], (double)row[2], (int)row[3]);
            return TrainingKernels.ForwardSegments(outputs, TrainingKernels.Lanes(batch) / 4, TestLayers.Random(inputs, outputs, density, seed: inputs + batch).Connections);
        }).ToList();
        Assert.Contains(1, segments);
        Assert.True(segments.Count(s => s > 1) >= 2, $"segments per shape: {string.Join(", ", segments)}");
    }
}

/// <summary>The CPU twins of the forward SpMM (the gather at every batch, the scatter up to batch 16) against the reference.</summary>
public class SpmmForwardCpuTwinTests
{
    [Theory]
    [MemberData(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Forward_equals_dense_product_plus_bias_then_activation(int inputs, int outputs, double density, int batch)
    {
        foreach (var (act, index) in SpmmForwardReference.Activations.Select((a, i) => (a, i)))
        {
            var layer = TestLayers.Random(inputs, outputs, density, seed: inputs + batch, act);
            var x = SpmmForwardReference.Input(inputs, batch);
            DropoutSpec? dropout = index % 2 == 1 ? SpmmForwardReference.Dropout : null;
            var (expectedZ, expectedA) = SpmmForwardReference.Expected(layer, x, batch, dropout);
            foreach (var (name, forward) in ForwardKernels(layer, batch, dropout))
            {
                var z = new float[outputs * batch];
                var a = new float[outputs * batch];
                forward(x, z, a);
                TestLayers.AssertClose(expectedZ, z, MlpKernelShapes.Tolerance, $"z ({name})");
                TestLayers.AssertClose(expectedA, a, MlpKernelShapes.Tolerance, $"a ({name}, {act}, dropout {dropout is not null})");
            }
        }
    }

    /// <summary>A layer whose pre-activations the engine does not keep computes z in its output block: a has the bits
    /// of the run with z apart, for both forward kernels.</summary>
    [Theory]
    [MemberData(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Forward_with_z_in_the_output_block_gives_the_same_a(int inputs, int outputs, double density, int batch)
    {
        foreach (var (act, index) in SpmmForwardReference.Activations.Select((a, i) => (a, i)))
        {
            var layer = TestLayers.Random(inputs, outputs, density, seed: inputs + batch, act);
            var x = SpmmForwardReference.Input(inputs, batch);
            DropoutSpec? dropout = index % 2 == 1 ? SpmmForwardReference.Dropout : null;
            foreach (var (name, forward) in ForwardKernels(layer, batch, dropout))
            {
                var z = new float[outputs * batch];
                var apart = new float[outputs * batch];
                var together = new float[outputs * batch];
                forward(x, z, apart);
                forward(x, together, together);
                Assert.True(apart.AsSpan().SequenceEqual(together), $"{name}, {act}, dropout {dropout is not null}: a differs");
            }
        }
    }

    /// <summary>The gather for every batch size, and the scatter for the batch sizes the engine gives it.</summary>
    static IEnumerable<(string, Action<float[], float[], float[]>)> ForwardKernels(SparseLayer layer, int batch, DropoutSpec? dropout)
    {
        yield return ("gather", (x, z, a) => SpmmForwardGather.Run(layer, IncomingIndex.Build(layer.Pattern, layer.Outputs), x, z, a, batch, dropout));
        if (batch <= SpmmForwardScatter.MaxBatch)
            yield return ("scatter", (x, z, a) => SpmmForwardScatter.Run(layer, x, z, a, batch, dropout,
                                                                        SpmmForwardScatter.NewPartials(layer.Outputs, batch)));
    }
}

/// <summary>
/// <see cref="SpmmForwardKernel.Forward"/> launched directly (<see cref="ITrainingLaunches.Forward"/>) on each backend
/// against the reference, on blocks padded to whole quads (zeros in the padding lanes).
/// </summary>
public class SpmmForwardTests(Accelerators accelerators) : IClassFixture<Accelerators>
{

    [BackendTheory(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Forward_equals_dense_product_plus_bias_then_activation(string backend, int inputs, int outputs, double density, int batch)
    {
        var accelerator = accelerators.Open(backend);
        var launches = TrainingLaunches.For(accelerator);
        int lanes = TrainingKernels.Lanes(batch);
        foreach (var (act, index) in SpmmForwardReference.Activations.Select((a, i) => (a, i)))
        {
            var layer = TestLayers.Random(inputs, outputs, density, seed: inputs + batch, act);
            var x = SpmmForwardReference.Input(inputs, batch);
            DropoutSpec? dropout = index % 2 == 1 ? SpmmForwardReference.Dropout : null;
            var (expectedZ, expectedA) = SpmmForwardReference.Expected(layer, x, batch, dropout);

            using var device = new DeviceLayer(accelerator, layer);
            using var xd = accelerator.Allocate1D(TestLayers.Padded(x, inputs, batch, lanes));
            using var zd = accelerator.Allocate1D<float>(outputs * lanes);
            using var ad = accelerator.Allocate1D<float>(outputs * lanes);
            launches.Forward(device, xd, zd, ad, batch, new ActivationParams
            {
                Kind = (int)act.Kind, Slope = act.Slope, DropoutEnabled = dropout is null ? 0 : 1,
                DropoutKey = dropout?.Key ?? 0, DropoutRate = dropout?.Rate ?? 0, KeepScale = dropout?.KeepScale ?? 1,
            });
            accelerator.Synchronize();
            TestLayers.AssertClose(expectedZ, TestLayers.Unpadded(zd.GetAsArray1D(), outputs, batch, lanes), MlpKernelShapes.Tolerance,
                                   $"z on {backend}");
            TestLayers.AssertClose(expectedA, TestLayers.Unpadded(ad.GetAsArray1D(), outputs, batch, lanes), MlpKernelShapes.Tolerance,
                                   $"a on {backend} ({act}, dropout {dropout is not null})");
        }
    }
}
