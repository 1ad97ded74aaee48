using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>
/// As <see cref="DeviceArrayInstantiationTests"/>, for Adam's branch of the update kernels and for SReLU (forward and
/// step): the view instantiation (what CUDA and OpenCL load) and the pointer one (ILGPU's CPU accelerator) compute the
/// same bits on the CPU accelerator.
/// </summary>
public class OptimizerInstantiationTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(40)]
    public void Views_and_pointers_compute_the_same_bits_with_adam_and_srelu(int batch)
    {
        using var context = IlgpuDevices.CreateContext();
        using var accelerator = new CPUDevice(2, 1, 1).CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
        var views = Step(accelerator, new TrainingLaunches<ViewArray<float>, ViewArray<int>, ViewArray<Quad>, ViewKind>(accelerator), batch);
        var pointers = Step(accelerator, new TrainingLaunches<PointerArray<float>, PointerArray<int>, PointerArray<Quad>, PointerKind>(accelerator), batch);
        Assert.Equal(views, pointers);
    }

    /// <summary>An SReLU layer's forward, SReLU step, weight and bias update with AdamW; returns every block and array.</summary>
    static float[] Step(Accelerator accelerator, ITrainingLaunches launches, int batch)
    {
        const int inputs = 30, outputs = 20;
        var sparse = OptimizerLayers.WithSRelu(TestLayers.Random(inputs, outputs, 0.3, seed: 5), states: 2, seed: 6);
        using var layer = new DeviceLayer(accelerator, sparse);
        int lanes = TrainingKernels.Lanes(batch);
        using var x = accelerator.Allocate1D(TestLayers.Padded(TestLayers.RandomBlock(inputs, batch, 1), inputs, batch, lanes));
        using var delta = accelerator.Allocate1D(TestLayers.Padded(TestLayers.RandomBlock(outputs, batch, 3), outputs, batch, lanes));
        using var z = accelerator.Allocate1D<float>(outputs * lanes);
        using var a = accelerator.Allocate1D<float>(outputs * lanes);
        var adamW = new AdamW { LearningRate = 0.01f, WeightDecay = 0.01f };
        var size = new StepSize(adamW.LearningRate, adamW.WeightDecay);
        launches.Forward(layer, x, z, a, batch, new ActivationParams { Kind = (int)ActivationKind.SRelu });
        launches.UpdateSRelu(layer, z, delta, batch, OptimizerParams.Of(adamW, size, 4, decay: false));
        launches.UpdateWeights(layer, delta, x, batch, OptimizerParams.Of(adamW, size, 4));
        launches.UpdateBias(layer, delta, batch, OptimizerParams.Of(adamW, size, 4));
        accelerator.Synchronize();
        var result = layer.Download();
        float[] values = [.. z.GetAsArray1D(), .. a.GetAsArray1D(), .. delta.GetAsArray1D(), .. result.Weights, .. result.Bias,
                          .. result.ActivationParameters!, .. result.WeightState.SelectMany(s => s), .. result.BiasState.SelectMany(s => s),
                          .. result.ActivationState.SelectMany(s => s)];
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        return values;
    }
}
