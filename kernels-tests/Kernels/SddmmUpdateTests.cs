using ILGPU;
using ILGPU.Runtime;
using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// The SDDMM weight update's reference: G = (δout · xᵀ) / B at the existing connections only (dense MathNet, masked),
/// then v ← μ·v − η·G and w ← w + v − λ·w (Nesterov: w + μ·v − η·G − λ·w), in double precision.
/// </summary>
internal static class SddmmUpdateReference
{
    /// <summary>The optimiser settings of the tests.</summary>
    public static Sgd Options(bool nesterov) => new() { LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 0.001f, Nesterov = nesterov };

    /// <summary>The same settings as the CPU twins take them.</summary>
    public static SgdStep Step(Sgd o) => new(o, new StepSize(o.LearningRate, o.WeightDecay));

    /// <summary>The same settings as the device kernels take them.</summary>
    public static OptimizerParams Params(Sgd o) =>
        new() { LearningRate = o.LearningRate, Momentum = o.Momentum, Decay = o.WeightDecay, Nesterov = o.Nesterov ? 1 : 0 };

    /// <summary>Asserts that <paramref name="after"/>'s weights and momenta are <paramref name="before"/>'s after one step.</summary>
    public static void AssertMaskedGradientStep(SparseLayer before, SparseLayer after, float[] deltaOut, float[] x, int batch,
                                                Sgd o)
    {
        var gradient = (TestLayers.AsMatrix(deltaOut, before.Outputs, batch) * TestLayers.AsMatrix(x, before.Inputs, batch).Transpose()) / batch;
        double lr = o.LearningRate, mu = o.Momentum, decay = o.WeightDecay;
        for (int i = 0; i < before.Inputs; i++)
            for (int k = before.Pattern.Offsets[i]; k < before.Pattern.Offsets[i + 1]; k++)
            {
                double g = gradient[before.Pattern.Columns[k], i];
                double v = mu * before.WeightVelocity[k] - lr * g;
                double w = before.Weights[k] + (o.Nesterov ? mu * v - lr * g : v) - decay * before.Weights[k];
                Assert.True(Math.Abs(after.WeightVelocity[k] - v) <= MlpKernelShapes.Tolerance * Math.Max(1, Math.Abs(v)),
                            $"velocity {k}: expected {v}, got {after.WeightVelocity[k]}");
                Assert.True(Math.Abs(after.Weights[k] - w) <= MlpKernelShapes.Tolerance * Math.Max(1, Math.Abs(w)),
                            $"weight {k}: expected {w}, got {after.Weights[k]}");
            }
        Assert.Equal(before.Pattern.Offsets, after.Pattern.Offsets); // updates never touch topology
        Assert.Equal(before.Pattern.Columns, after.Pattern.Columns);
    }
}

/// <summary>The CPU twin, <see cref="SpmmBackwardUpdate"/> without δin (the first layer's sweep), against the reference.</summary>
public class SddmmUpdateCpuTwinTests
{
    [Theory]
    [MemberData(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Weight_update_equals_masked_dense_gradient_with_momentum_and_decay(int inputs, int outputs, double density, int batch)
    {
        foreach (bool nesterov in new[] { false, true })
        {
            var layer = TestLayers.Random(inputs, outputs, density, seed: 13 * outputs + batch);
            var before = layer.Clone();
            var deltaOut = TestLayers.RandomBlock(outputs, batch, seed: 8);
            var x = TestLayers.RandomBlock(inputs, batch, seed: 9);
            var options = SddmmUpdateReference.Options(nesterov);
            SpmmBackwardUpdate.Run(layer, deltaOut, x, null, default, null, batch, null, SddmmUpdateReference.Step(options)); // first layer: no δin
            SddmmUpdateReference.AssertMaskedGradientStep(before, layer, deltaOut, x, batch, options);
        }
    }
}

/// <summary>
/// <see cref="SddmmUpdateKernel.UpdateWeights"/> launched directly (<see cref="ITrainingLaunches.UpdateWeights"/>) on
/// each backend against the reference, on blocks padded to whole quads (zeros in the padding lanes add nothing).
/// </summary>
public class SddmmUpdateTests(Accelerators accelerators) : IClassFixture<Accelerators>
{
    [BackendTheory(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Weight_update_equals_masked_dense_gradient_with_momentum_and_decay(string backend, int inputs, int outputs, double density, int batch)
    {
        var accelerator = accelerators.Open(backend);
        var launches = TrainingLaunches.For(accelerator);
        int lanes = TrainingKernels.Lanes(batch);
        foreach (bool nesterov in new[] { false, true })
        {
            var layer = TestLayers.Random(inputs, outputs, density, seed: 13 * outputs + batch);
            var deltaOut = TestLayers.RandomBlock(outputs, batch, seed: 8);
            var x = TestLayers.RandomBlock(inputs, batch, seed: 9);
            var options = SddmmUpdateReference.Options(nesterov);
            using var device = new DeviceLayer(accelerator, layer);
            using var deltaOutD = accelerator.Allocate1D(TestLayers.Padded(deltaOut, outputs, batch, lanes));
            using var xd = accelerator.Allocate1D(TestLayers.Padded(x, inputs, batch, lanes));
            launches.UpdateWeights(device, deltaOutD, xd, batch, SddmmUpdateReference.Params(options));
            accelerator.Synchronize();
            var after = device.Download();
            SddmmUpdateReference.AssertMaskedGradientStep(layer, after, deltaOut, x, batch, options);
            Assert.Equal(TestLayers.Bits(layer.Bias), TestLayers.Bits(after.Bias)); // the bias has a family of its own
        }
    }
}
