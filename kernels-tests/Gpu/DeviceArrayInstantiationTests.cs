using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.Gpu.Rbm;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>
/// The training kernels come in two instantiations (<see cref="IDeviceArray{T}"/>): views, which CUDA and OpenCL load,
/// and raw pointers, which ILGPU's CPU accelerator loads. Run both on the CPU accelerator from the same state: the
/// forward, backward, weight-update and bias-update results must agree bit for bit (same code, same order of sums),
/// so the parity suite on the CPU accelerator also vouches for the view kernels where no OpenCL device is found. The
/// same holds for the RBM's two generic kernels.
/// </summary>
public class DeviceArrayInstantiationTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(40)]
    public void Views_and_pointers_compute_the_same_bits(int batch)
    {
        using var context = IlgpuDevices.CreateContext();
        using var accelerator = new CPUDevice(2, 1, 1).CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
        var views = new TrainingLaunches<ViewArray<float>, ViewArray<int>, ViewArray<Quad>, ViewKind>(accelerator);
        var pointers = new TrainingLaunches<PointerArray<float>, PointerArray<int>, PointerArray<Quad>, PointerKind>(accelerator);
        var (fromViews, weightsFromViews) = Step(accelerator, views, batch);
        var (fromPointers, weightsFromPointers) = Step(accelerator, pointers, batch);
        Assert.Equal(fromViews, fromPointers);
        Assert.Equal(weightsFromViews, weightsFromPointers);
    }

    /// <summary>One forward, backward and update of a 30 × 20 layer; returns z, a, δin and the new weights and biases.</summary>
    static (float[] Blocks, float[] Parameters) Step(Accelerator accelerator, ITrainingLaunches launches, int batch)
    {
        const int inputs = 30, outputs = 20;
        var sparse = TestLayers.Random(inputs, outputs, 0.3, seed: 5);
        using var layer = new DeviceLayer(accelerator, sparse);
        int lanes = TrainingKernels.Lanes(batch);
        using var x = accelerator.Allocate1D(Padded(TestLayers.RandomBlock(inputs, batch, 1), inputs, batch));
        using var inputZ = accelerator.Allocate1D(Padded(TestLayers.RandomBlock(inputs, batch, 2), inputs, batch));
        using var deltaOut = accelerator.Allocate1D(Padded(TestLayers.RandomBlock(outputs, batch, 3), outputs, batch));
        using var z = accelerator.Allocate1D<float>(outputs * lanes);
        using var a = accelerator.Allocate1D<float>(outputs * lanes);
        using var deltaIn = accelerator.Allocate1D<float>(inputs * lanes);
        var act = new ActivationParams { Kind = (int)ActivationKind.Sigmoid, DropoutEnabled = 1, DropoutKey = 77, DropoutRate = 0.25f, KeepScale = 4f / 3 };
        var inputAct = new ActivationParams { Kind = (int)ActivationKind.Tanh };
        var opt = new OptimizerParams { LearningRate = 0.05f, Momentum = 0.9f, Decay = 1e-4f, Nesterov = 1 };
        launches.Forward(layer, x, z, a, batch, act);
        launches.Backward(layer, deltaOut, inputZ, deltaIn, batch, inputAct);
        launches.UpdateWeights(layer, deltaOut, x, batch, opt);
        launches.UpdateBias(layer, deltaOut, batch, opt);
        accelerator.Synchronize();
        float[] blocks = [.. z.GetAsArray1D(), .. a.GetAsArray1D(), .. deltaIn.GetAsArray1D()];
        var result = layer.Download();
        float[] parameters = [.. result.Weights, .. result.WeightVelocity, .. result.Bias, .. result.BiasVelocity];
        Assert.All(parameters, v => Assert.True(float.IsFinite(v)));
        return (blocks, parameters);
    }

    /// <summary>The RBM's gather (sampling epilogue) and CD update, likewise: same bits from views and from pointers.</summary>
    [Fact]
    public void Rbm_views_and_pointers_compute_the_same_bits()
    {
        using var context = IlgpuDevices.CreateContext();
        using var accelerator = new CPUDevice(2, 1, 1).CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
        var fromViews = RbmStep(accelerator, new RbmLaunches<ViewArray<float>, ViewArray<int>, ViewKind>(accelerator));
        var fromPointers = RbmStep(accelerator, new RbmLaunches<PointerArray<float>, PointerArray<int>, PointerKind>(accelerator));
        Assert.Equal(fromViews, fromPointers);
    }

    static float[] RbmStep(Accelerator accelerator, IRbmLaunches launches)
    {
        const int visible = 30, hidden = 20, stride = 16, batch = 10;
        var sparse = TestLayers.Random(visible, hidden, 0.3, seed: 9);
        using var layer = new DeviceLayer(accelerator, sparse);
        using var v = accelerator.Allocate1D(TestLayers.RandomBlock(visible, stride, 4));
        using var vModel = accelerator.Allocate1D(TestLayers.RandomBlock(visible, stride, 5));
        using var hModel = accelerator.Allocate1D(TestLayers.RandomBlock(hidden, stride, 6));
        using var h = accelerator.Allocate1D<float>(hidden * stride);
        using var pre = accelerator.Allocate1D<float>(hidden * stride);
        var gather = new RbmGatherParams
        {
            Rows = hidden, Stride = stride, Batch = batch, Indirect = 1, Epilogue = 1, WritePre = 1, Units = hidden, Key = 123,
        };
        launches.Gather(hidden, layer.IncomingOffsets, layer.IncomingInputs, layer.IncomingWeightIndex, layer.Weights, layer.Bias,
            v, h, pre, gather);
        var step = new RbmStepParams { LearningRate = 0.1f, Momentum = 0.5f, WeightDecay = 2e-7f, InvBatch = 1f / batch };
        launches.CdUpdate(visible, layer.RowOffsets, layer.Columns, layer.Weights, layer.Velocity, v, h, vModel, hModel, stride, step);
        accelerator.Synchronize();
        var result = layer.Download();
        return [.. h.GetAsArray1D(), .. pre.GetAsArray1D(), .. result.Weights, .. result.WeightVelocity];
    }

    /// <summary>A rows × batch block laid out as rows × lanes, padding lanes zero (as the engine's blocks).</summary>
    static float[] Padded(float[] block, int rows, int batch)
    {
        int lanes = TrainingKernels.Lanes(batch);
        var padded = new float[rows * lanes];
        for (int r = 0; r < rows; r++) Array.Copy(block, r * batch, padded, r * lanes, batch);
        return padded;
    }
}
