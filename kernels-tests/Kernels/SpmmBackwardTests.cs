using ILGPU;
using ILGPU.Runtime;
using MathNet.Numerics.LinearAlgebra;
using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// The transposed SpMM backward's reference: δin = (Wᵀ·δout) ⊙ f'(z_in) ⊙ dropout, with the weights before the step's
/// update, dense (MathNet) in double precision, on <see cref="MlpKernelShapes"/>.
/// </summary>
internal static class SpmmBackwardReference
{
    /// <summary>The activation of the layer's inputs the tests differentiate.</summary>
    public static readonly LayerActivation InputActivation = new(ActivationKind.Tanh);

    public static Matrix<double> Expected(SparseLayer before, float[] deltaOut, float[] inputZ, int batch, DropoutSpec? dropout)
    {
        var sum = TestLayers.DenseWeights(before).Transpose() * TestLayers.AsMatrix(deltaOut, before.Outputs, batch);
        return Matrix<double>.Build.Dense(before.Inputs, batch, (i, b) =>
            sum[i, b] * (1 - Math.Tanh(inputZ[i * batch + b]) * Math.Tanh(inputZ[i * batch + b]))
            * (dropout is { } d ? DropoutMask.Factor(d.Key, i, b, batch, d.Rate, d.KeepScale) : 1f));
    }
}

/// <summary>
/// The CPU twin, <see cref="SpmmBackwardUpdate"/> (the transposed SpMM fused with the SDDMM update), against both
/// references: δin against <see cref="SpmmBackwardReference"/>, the weights against <see cref="SddmmUpdateReference"/>.
/// </summary>
public class SpmmBackwardCpuTwinTests
{
    [Theory]
    [MemberData(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Fused_backward_update_equals_dense_transposed_product_and_masked_gradient_step(int inputs, int outputs, double density, int batch)
    {
        foreach (var dropout in new DropoutSpec?[] { null, SpmmForwardReference.Dropout })
        {
            var layer = TestLayers.Random(inputs, outputs, density, seed: 11 * inputs + batch);
            var before = layer.Clone();
            var deltaOut = TestLayers.RandomBlock(outputs, batch, seed: 6);
            var x = TestLayers.RandomBlock(inputs, batch, seed: 8);
            var inputZ = TestLayers.RandomBlock(inputs, batch, seed: 7);
            var deltaIn = new float[inputs * batch];
            SpmmBackwardUpdate.Run(layer, deltaOut, x, inputZ, SpmmBackwardReference.InputActivation, deltaIn, batch, dropout,
                                   SddmmUpdateReference.Step(SddmmUpdateReference.Options(nesterov: false)));

            TestLayers.AssertClose(SpmmBackwardReference.Expected(before, deltaOut, inputZ, batch, dropout), deltaIn,
                                   MlpKernelShapes.Tolerance, $"delta_in (dropout {dropout is not null})");
            SddmmUpdateReference.AssertMaskedGradientStep(before, layer, deltaOut, x, batch, SddmmUpdateReference.Options(nesterov: false));
        }
    }
}

/// <summary>
/// <see cref="SpmmBackwardKernel.Backward"/> launched directly (<see cref="ITrainingLaunches.Backward"/>) on each
/// backend against <see cref="SpmmBackwardReference"/>; the padding lanes of δin come out zero, and the layer is not changed.
/// </summary>
public class SpmmBackwardTests(Accelerators accelerators) : IClassFixture<Accelerators>
{
    [BackendTheory(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Backward_equals_dense_transposed_product_times_derivative(string backend, int inputs, int outputs, double density, int batch)
    {
        var accelerator = accelerators.Open(backend);
        var launches = TrainingLaunches.For(accelerator);
        int lanes = TrainingKernels.Lanes(batch);
        foreach (var dropout in new DropoutSpec?[] { null, SpmmForwardReference.Dropout })
        {
            var layer = TestLayers.Random(inputs, outputs, density, seed: 11 * inputs + batch);
            var deltaOut = TestLayers.RandomBlock(outputs, batch, seed: 6);
            var inputZ = TestLayers.RandomBlock(inputs, batch, seed: 7);
            using var device = new DeviceLayer(accelerator, layer);
            using var deltaOutD = accelerator.Allocate1D(TestLayers.Padded(deltaOut, outputs, batch, lanes));
            using var inputZD = accelerator.Allocate1D(TestLayers.Padded(inputZ, inputs, batch, lanes));
            using var deltaInD = accelerator.Allocate1D<float>(inputs * lanes);
            launches.Backward(device, deltaOutD, inputZD, deltaInD, batch, new ActivationParams
            {
                Kind = (int)SpmmBackwardReference.InputActivation.Kind, DropoutEnabled = dropout is null ? 0 : 1,
                DropoutKey = dropout?.Key ?? 0, DropoutRate = dropout?.Rate ?? 0, KeepScale = dropout?.KeepScale ?? 1,
            });
            accelerator.Synchronize();
            var deltaIn = deltaInD.GetAsArray1D();
            TestLayers.AssertClose(SpmmBackwardReference.Expected(layer, deltaOut, inputZ, batch, dropout),
                                   TestLayers.Unpadded(deltaIn, inputs, batch, lanes), MlpKernelShapes.Tolerance,
                                   $"delta_in on {backend} (dropout {dropout is not null})");
            for (int i = 0; i < inputs; i++)
                for (int b = batch; b < lanes; b++) Assert.Equal(0f, deltaIn[i * lanes + b]);
            Assert.Equal(TestLayers.Bits(layer.Weights), TestLayers.Bits(device.Download().Weights));
        }
    }
}
