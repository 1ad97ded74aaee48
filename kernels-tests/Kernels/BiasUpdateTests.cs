using ILGPU;
using ILGPU.Runtime;
using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>The bias update's reference: g = mean of δout over the batch, then the optimiser step of <see cref="SddmmUpdateReference"/>.</summary>
internal static class BiasUpdateReference
{
    public static void AssertStep(SparseLayer before, SparseLayer after, float[] deltaOut, int batch, Sgd o)
    {
        for (int j = 0; j < before.Outputs; j++)
        {
            double g = 0;
            for (int b = 0; b < batch; b++) g += deltaOut[j * batch + b];
            g /= batch;
            double v = o.Momentum * before.BiasVelocity[j] - o.LearningRate * g;
            double bias = before.Bias[j] + (o.Nesterov ? o.Momentum * v - o.LearningRate * g : v) - o.WeightDecay * before.Bias[j];
            Assert.True(Math.Abs(after.BiasVelocity[j] - v) <= MlpKernelShapes.Tolerance, $"bias velocity {j}: expected {v}, got {after.BiasVelocity[j]}");
            Assert.True(Math.Abs(after.Bias[j] - bias) <= MlpKernelShapes.Tolerance, $"bias {j}: expected {bias}, got {after.Bias[j]}");
        }
    }
}

/// <summary>The CPU twin, <see cref="BiasUpdate"/>, against the reference.</summary>
public class BiasUpdateCpuTwinTests
{
    [Theory]
    [MemberData(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Bias_update_equals_mean_delta_step(int inputs, int outputs, double density, int batch)
    {
        foreach (bool nesterov in new[] { false, true })
        {
            var layer = TestLayers.Random(inputs, outputs, density, seed: 17 * outputs + batch);
            var before = layer.Clone();
            var deltaOut = TestLayers.RandomBlock(outputs, batch, seed: 4);
            var options = SddmmUpdateReference.Options(nesterov);
            BiasUpdate.Run(layer, deltaOut, batch, SddmmUpdateReference.Step(options));
            BiasUpdateReference.AssertStep(before, layer, deltaOut, batch, options);
        }
    }
}

/// <summary><see cref="BiasUpdateKernel.UpdateBias"/> launched directly (<see cref="ITrainingLaunches.UpdateBias"/>) against the reference.</summary>
public class BiasUpdateTests(Accelerators accelerators) : IClassFixture<Accelerators>
{
    [BackendTheory(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Bias_update_equals_mean_delta_step(string backend, int inputs, int outputs, double density, int batch)
    {
        var accelerator = accelerators.Open(backend);
        var launches = TrainingLaunches.For(accelerator);
        int lanes = TrainingKernels.Lanes(batch);
        foreach (bool nesterov in new[] { false, true })
        {
            var layer = TestLayers.Random(inputs, outputs, density, seed: 17 * outputs + batch);
            var deltaOut = TestLayers.RandomBlock(outputs, batch, seed: 4);
            var options = SddmmUpdateReference.Options(nesterov);
            using var device = new DeviceLayer(accelerator, layer);
            using var deltaOutD = accelerator.Allocate1D(TestLayers.Padded(deltaOut, outputs, batch, lanes));
            launches.UpdateBias(device, deltaOutD, batch, SddmmUpdateReference.Params(options));
            accelerator.Synchronize();
            var after = device.Download();
            BiasUpdateReference.AssertStep(layer, after, deltaOut, batch, options);
            Assert.Equal(TestLayers.Bits(layer.Weights), TestLayers.Bits(after.Weights));
        }
    }
}
