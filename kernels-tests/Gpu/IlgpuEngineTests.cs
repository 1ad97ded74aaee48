using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Cpu;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>
/// The ILGPU engine on ILGPU's CPU accelerator against the CPU engine, from the same state: training steps give the
/// same weights within 1e-5 relative (sums run in a different order), evaluation the same loss and accuracy,
/// evolution the identical topology.
/// </summary>
public class IlgpuEngineTests
{
    const double Tolerance = 1e-5;

    public static TheoryData<HiddenActivation, OutputActivation, LossKind, float, int> Configurations => new()
    {
        { HiddenActivation.Relu, OutputActivation.Softmax, LossKind.CrossEntropy, 0f, 2 },
        { HiddenActivation.AllRelu, OutputActivation.Sigmoid, LossKind.Mse, 0.2f, 16 },
        { HiddenActivation.Tanh, OutputActivation.Softmax, LossKind.Mse, 0.3f, 7 },
        { HiddenActivation.Sigmoid, OutputActivation.Sigmoid, LossKind.CrossEntropy, 0f, 33 },
        { HiddenActivation.LeakyRelu, OutputActivation.Linear, LossKind.Mse, 0.1f, 64 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Training_steps_match_the_cpu_engine(HiddenActivation hidden, OutputActivation output, LossKind loss, float dropout, int batch)
    {
        var model = new SetMlpOptions { LayerSizes = [40, 70, 50, 4], Epsilon = 6, HiddenActivation = hidden, OutputActivation = output, Loss = loss };
        var training = new TrainingOptions { BatchSize = batch, LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 0.001f, Dropout = dropout, Nesterov = batch == 7 };
        var data = EndToEndTests.Blobs(200).Train;
        var order = SetTrainer.ShuffledOrder(data.Samples, 3, 0);

        var network = SparseNetwork.Create(model, seed: 9);
        using var cpu = new CpuEngine(network.Clone(), training);
        using var gpu = new IlgpuEngine(network.Clone(), training, "ilgpu-cpu");
        cpu.SetTrainingData(data);
        gpu.SetTrainingData(data);
        double cpuLoss = cpu.TrainEpoch(order.AsSpan(0, 3 * batch), step: 5);
        double gpuLoss = gpu.TrainEpoch(order.AsSpan(0, 3 * batch), step: 5);

        Assert.Equal(cpuLoss, gpuLoss, 1e-4);
        AssertSameNetwork(cpu.Export(), gpu.Export(), exactTopology: true);
        var (cpuEval, gpuEval) = (cpu.Evaluate(data), gpu.Evaluate(data));
        Assert.Equal(cpuEval.Loss, gpuEval.Loss, 1e-4);
        Assert.Equal(cpuEval.Accuracy, gpuEval.Accuracy);
        var (cpuOut, gpuOut) = (cpu.Predict(data), gpu.Predict(data));
        for (int i = 0; i < cpuOut.Length; i++)
            Assert.True(Math.Abs(cpuOut[i] - gpuOut[i]) <= Tolerance * Math.Max(1, Math.Abs(cpuOut[i])), $"output {i}: {cpuOut[i]} vs {gpuOut[i]}");
    }

    [Fact]
    public void Evolution_from_the_same_state_gives_the_identical_topology()
    {
        var model = new SetMlpOptions { LayerSizes = [60, 80, 30, 5], Epsilon = 8 };
        var training = new TrainingOptions { BatchSize = 8 };
        var network = SparseNetwork.Create(model, seed: 4);
        using var cpu = new CpuEngine(network.Clone(), training);
        using var gpu = new IlgpuEngine(network.Clone(), training, "ilgpu-cpu");
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var a = cpu.Evolve(epoch);
            var b = gpu.Evolve(epoch);
            Assert.Equal(a, b);
            AssertSameNetwork(cpu.Export(), gpu.Export(), exactTopology: true, exactWeights: true);
        }
    }

    [Fact]
    public void A_missing_device_is_an_error_that_lists_the_devices_found()
    {
        var network = SparseNetwork.Create(new SetMlpOptions { LayerSizes = [4, 3, 2], Epsilon = 1 }, 1);
        using var context = IlgpuDevices.CreateContext();
        if (IlgpuDevices.HasCuda(context)) return; // nothing to show on a machine with a GPU
        var ex = Assert.Throws<DeviceUnavailableException>(() => new IlgpuEngine(network, new TrainingOptions(), "cuda"));
        Assert.Contains("engine 'cuda': no CUDA device found. ILGPU found: CPU", ex.Message);
    }

    [Fact]
    public void The_engine_names_its_device()
    {
        var network = SparseNetwork.Create(new SetMlpOptions { LayerSizes = [4, 3, 2], Epsilon = 1 }, 1);
        using var engine = new IlgpuEngine(network, new TrainingOptions(), "ilgpu-cpu");
        Assert.Equal("ilgpu-cpu", engine.Name);
        Assert.StartsWith("ILGPU CPU accelerator", engine.Device);
    }

    internal static void AssertSameNetwork(SparseNetwork expected, SparseNetwork actual, bool exactTopology, bool exactWeights = false)
    {
        for (int l = 0; l < expected.Layers.Count; l++)
        {
            var (e, a) = (expected.Layers[l], actual.Layers[l]);
            if (exactTopology)
            {
                Assert.Equal(e.Pattern.Offsets, a.Pattern.Offsets);
                Assert.Equal(e.Pattern.Columns, a.Pattern.Columns);
            }
            AssertClose(e.Weights, a.Weights, exactWeights ? 0 : Tolerance, $"layer {l} weights");
            AssertClose(e.WeightVelocity, a.WeightVelocity, exactWeights ? 0 : Tolerance, $"layer {l} velocity");
            AssertClose(e.Bias, a.Bias, exactWeights ? 0 : Tolerance, $"layer {l} bias");
        }
    }

    static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: {expected[i]} vs {actual[i]} (tolerance {tolerance} relative)");
    }
}
