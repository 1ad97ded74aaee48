using SetGpu.Sparse;
using MathNet.Numerics.LinearAlgebra;
using SetGpu.Cpu;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>
/// The CPU engine's forward, backward and weight-update kernels against dense MathNet computations with the
/// mask applied, in double precision. Tolerance: 1e-5 relative (float32 accumulation of at most a few hundred
/// terms of magnitude ≤ 1).
/// </summary>
public class CpuKernelTests
{
    const double Tolerance = 1e-5;

    public static TheoryData<int, int, double, int> Shapes => new()
    {
        { 7, 5, 0.4, 1 },      // batch 1
        { 64, 48, 0.1, 2 },    // the reference's batch size
        { 33, 70, 0.25, 3 },   // odd batch: scalar tail only
        { 100, 80, 0.05, 17 }, // one vector plus a tail
        { 50, 40, 1.0, 32 },   // a dense layer
        { 300, 200, 0.02, 128 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_equals_dense_product_plus_bias_then_activation(int inputs, int outputs, double density, int batch)
    {
        foreach (var act in new[] { new LayerActivation(ActivationKind.PiecewiseLinear, 0f),
                                    new LayerActivation(ActivationKind.PiecewiseLinear, -0.75f),
                                    new LayerActivation(ActivationKind.Sigmoid), new LayerActivation(ActivationKind.Tanh) })
        {
            var layer = TestLayers.Random(inputs, outputs, density, seed: inputs + batch, act);
            var x = TestLayers.RandomBlock(inputs, batch, seed: 5);
            for (int i = 0; i < inputs; i += 3) Array.Clear(x, i * batch, batch); // rows the scatter skips
            var expectedZ = TestLayers.DenseWeights(layer) * TestLayers.AsMatrix(x, inputs, batch);
            for (int j = 0; j < outputs; j++)
                for (int b = 0; b < batch; b++) expectedZ[j, b] += layer.Bias[j];
            var expectedA = expectedZ.Map(v => (double)ActivationMath.Apply(act.Kind, act.Slope, (float)v));

            foreach (var (name, forward) in ForwardKernels(layer, batch))
            {
                var z = new float[outputs * batch];
                var a = new float[outputs * batch];
                forward(x, z, a);
                TestLayers.AssertClose(expectedZ, z, Tolerance, $"z ({name})");
                TestLayers.AssertClose(expectedA, a, Tolerance, $"a ({name}, {act})");
            }
        }
    }

    /// <summary>The gather for every batch size, and the scatter for the batch sizes the engine gives it.</summary>
    static IEnumerable<(string, Action<float[], float[], float[]>)> ForwardKernels(SparseLayer layer, int batch)
    {
        yield return ("gather", (x, z, a) => SpmmForwardGather.Run(layer, IncomingIndex.Build(layer.Pattern, layer.Outputs), x, z, a, batch, dropout: null));
        if (batch <= SpmmForwardScatter.MaxBatch)
            yield return ("scatter", (x, z, a) => SpmmForwardScatter.Run(layer, x, z, a, batch, dropout: null,
                                                                    new float[SpmmForwardScatter.PartialLength(layer.Outputs, batch)]));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Fused_backward_update_equals_dense_transposed_product_and_masked_gradient_step(int inputs, int outputs, double density, int batch)
    {
        var layer = TestLayers.Random(inputs, outputs, density, seed: 11 * inputs + batch);
        var before = layer.Clone();
        var deltaOut = TestLayers.RandomBlock(outputs, batch, seed: 6);
        var x = TestLayers.RandomBlock(inputs, batch, seed: 8);
        var inputZ = TestLayers.RandomBlock(inputs, batch, seed: 7);
        var inputActivation = new LayerActivation(ActivationKind.Tanh);
        var deltaIn = new float[inputs * batch];
        var options = new TrainingOptions { LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 0.001f };
        SpmmBackwardUpdate.Run(layer, deltaOut, x, inputZ, inputActivation, deltaIn, batch, dropout: null, options);

        // δin = (W_beforeᵀ · δout) ⊙ tanh'(z): the weights from before the step.
        var expected = TestLayers.DenseWeights(before).Transpose() * TestLayers.AsMatrix(deltaOut, outputs, batch);
        var z = TestLayers.AsMatrix(inputZ, inputs, batch);
        expected = expected.PointwiseMultiply(z.Map(v => 1 - Math.Tanh(v) * Math.Tanh(v)));
        TestLayers.AssertClose(expected, deltaIn, Tolerance, "delta_in");
        AssertMaskedGradientStep(before, layer, deltaOut, x, batch);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Weight_update_equals_masked_dense_gradient_with_momentum_and_decay(int inputs, int outputs, double density, int batch)
    {
        var layer = TestLayers.Random(inputs, outputs, density, seed: 13 * outputs + batch);
        var before = layer.Clone();
        var deltaOut = TestLayers.RandomBlock(outputs, batch, seed: 8);
        var x = TestLayers.RandomBlock(inputs, batch, seed: 9);
        var options = new TrainingOptions { LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 0.001f };
        SpmmBackwardUpdate.Run(layer, deltaOut, x, null, default, null, batch, null, options); // first layer: no δin
        BiasUpdate.Run(layer, deltaOut, batch, options);
        AssertMaskedGradientStep(before, layer, deltaOut, x, batch);
        for (int j = 0; j < outputs; j++)
        {
            double gb = 0;
            for (int b = 0; b < batch; b++) gb += deltaOut[j * batch + b];
            double vb = 0.9 * before.BiasVelocity[j] - 0.05 * gb / batch;
            Assert.True(Math.Abs(layer.Bias[j] - (before.Bias[j] + vb - 0.001 * before.Bias[j])) <= Tolerance, $"bias {j}");
        }
        Assert.Equal(before.Pattern.Columns, layer.Pattern.Columns); // the update never touches topology
    }

    /// <summary>Dense reference: G = (δ · xᵀ) / batch, masked; v' = 0.9·v − 0.05·G; w' = w + v' − 0.001·w.</summary>
    static void AssertMaskedGradientStep(SparseLayer before, SparseLayer after, float[] deltaOut, float[] x, int batch)
    {
        var gradient = (TestLayers.AsMatrix(deltaOut, before.Outputs, batch) * TestLayers.AsMatrix(x, before.Inputs, batch).Transpose()) / batch;
        for (int i = 0; i < before.Inputs; i++)
            for (int k = before.Pattern.Offsets[i]; k < before.Pattern.Offsets[i + 1]; k++)
            {
                double g = gradient[before.Pattern.Columns[k], i];
                double v = 0.9 * before.WeightVelocity[k] - 0.05 * g;
                double w = before.Weights[k] + v - 0.001 * before.Weights[k];
                Assert.True(Math.Abs(after.WeightVelocity[k] - v) <= Tolerance * Math.Max(1, Math.Abs(v)), $"velocity {k}");
                Assert.True(Math.Abs(after.Weights[k] - w) <= Tolerance * Math.Max(1, Math.Abs(w)), $"weight {k}");
            }
        Assert.Equal(before.Pattern.Columns, after.Pattern.Columns); // updates never touch topology
    }

    [Fact]
    public void Nesterov_update_uses_lookahead_velocity()
    {
        var layer = TestLayers.Random(20, 10, 0.3, seed: 3);
        var before = layer.Clone();
        var deltaOut = TestLayers.RandomBlock(10, 4, seed: 1);
        var x = TestLayers.RandomBlock(20, 4, seed: 2);
        SpmmBackwardUpdate.Run(layer, deltaOut, x, null, default, null, 4, null,
                           new TrainingOptions { LearningRate = 0.1f, Momentum = 0.5f, WeightDecay = 0f, Nesterov = true });
        var gradient = (TestLayers.AsMatrix(deltaOut, 10, 4) * TestLayers.AsMatrix(x, 20, 4).Transpose()) / 4;
        for (int i = 0; i < 20; i++)
            for (int k = before.Pattern.Offsets[i]; k < before.Pattern.Offsets[i + 1]; k++)
            {
                double g = gradient[before.Pattern.Columns[k], i];
                double v = 0.5 * before.WeightVelocity[k] - 0.1 * g;
                Assert.Equal(before.Weights[k] + 0.5 * v - 0.1 * g, layer.Weights[k], 5);
            }
    }

    [Fact]
    public void Incoming_index_lists_every_connection_once_sorted_by_input()
    {
        var layer = TestLayers.Random(40, 30, 0.2, seed: 4);
        var incoming = IncomingIndex.Build(layer.Pattern, 30);
        var seen = new bool[layer.Connections];
        for (int j = 0; j < 30; j++)
            for (int s = incoming.Offsets[j]; s < incoming.Offsets[j + 1]; s++)
            {
                int k = incoming.WeightIndex[s], i = incoming.Inputs[s];
                Assert.False(seen[k]);
                seen[k] = true;
                Assert.Equal(j, layer.Pattern.Columns[k]);
                Assert.True(k >= layer.Pattern.Offsets[i] && k < layer.Pattern.Offsets[i + 1]);
                if (s > incoming.Offsets[j]) Assert.True(i > incoming.Inputs[s - 1]);
            }
        Assert.All(seen, Assert.True);
    }
}
