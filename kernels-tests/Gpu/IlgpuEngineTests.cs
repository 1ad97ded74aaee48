using ILGPU.Runtime.Cuda;
using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Cpu;
using SetGpu.Model;
using SetGpu.Training;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>
/// The ILGPU engine against the CPU engine, from the same state, on every ILGPU backend of the list (<see cref="Backends"/>):
/// training steps give the same weights within 1e-5 relative (sums run in a different order), evaluation the same
/// loss and accuracy, evolution the identical topology.
/// </summary>
public class IlgpuEngineTests
{
    const double Tolerance = 1e-5;

    static IlgpuEngine Gpu(Device device, SparseNetwork network) => new(IlgpuSession.Open(device), network);

    /// <summary>
    /// Hidden and output activation, loss, dropout, batch and optimiser. Adam and AdamW take ε = 1e-4: with ε near 0 a
    /// gradient within rounding of 0, summed in another order, could step ±η either way.
    /// </summary>
    public static TheoryData<HiddenActivation, OutputActivation, LossKind, float, int, string> Configurations => new()
    {
        { HiddenActivation.Relu, OutputActivation.Softmax, LossKind.CrossEntropy, 0f, 2, "sgd" },
        { HiddenActivation.AllRelu, OutputActivation.Sigmoid, LossKind.Mse, 0.2f, 16, "sgd" },
        { HiddenActivation.Tanh, OutputActivation.Softmax, LossKind.Mse, 0.3f, 7, "sgd" },
        { HiddenActivation.Sigmoid, OutputActivation.Sigmoid, LossKind.CrossEntropy, 0f, 33, "sgd" },
        { HiddenActivation.LeakyRelu, OutputActivation.Linear, LossKind.Mse, 0.1f, 64, "sgd" },
        { HiddenActivation.Relu, OutputActivation.Sigmoid, LossKind.MseReference, 0f, 2, "sgd" },
        { HiddenActivation.SRelu, OutputActivation.Softmax, LossKind.CrossEntropy, 0.2f, 7, "sgd" },
        { HiddenActivation.SRelu, OutputActivation.Sigmoid, LossKind.Mse, 0f, 2, "sgd" },
        { HiddenActivation.Relu, OutputActivation.Softmax, LossKind.CrossEntropy, 0.2f, 2, "adam" },
        { HiddenActivation.Tanh, OutputActivation.Sigmoid, LossKind.Mse, 0f, 33, "adamw" },
        { HiddenActivation.SRelu, OutputActivation.Softmax, LossKind.CrossEntropy, 0.1f, 16, "adamw" },
    };

    [BackendTheory(nameof(Configurations))]
    public void Training_steps_match_the_cpu_engine(string backend, HiddenActivation hidden, OutputActivation output, LossKind loss, float dropout,
                                                    int batch, string optimizer)
    {
        var device = Backends.Require(backend);
        var spec = new SetMlpSpec
        {
            LayerSizes = [40, 70, 50, 4], Epsilon = 6, HiddenActivation = hidden, OutputActivation = output, Loss = loss, Seed = 9,
            BatchSize = batch, Dropout = dropout, Optimizer = optimizer switch
            {
                "adam" => new Adam { LearningRate = 0.01f, WeightDecay = 0.001f, Epsilon = 1e-4f },
                "adamw" => new AdamW { LearningRate = 0.01f, Epsilon = 1e-4f },
                _ => new Sgd { LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 0.001f, Nesterov = batch == 7 },
            },
        };
        var data = EndToEndTests.Blobs(200).Train;
        var order = SampleOrder.Shuffled(data.Samples, 3, 0);

        var network = SparseNetwork.Create(spec);
        using var cpu = new CpuEngine(network.Clone());
        using var gpu = Gpu(device, network.Clone());
        cpu.SetTrainingData(data);
        gpu.SetTrainingData(data);
        double cpuLoss = cpu.TrainEpoch(order.AsSpan(0, 3 * batch), step: 5, spec);
        double gpuLoss = gpu.TrainEpoch(order.AsSpan(0, 3 * batch), step: 5, spec);

        Assert.Equal(cpuLoss, gpuLoss, 1e-4);
        AssertSameNetwork(cpu.Export(), gpu.Export(), exactTopology: true);
        var (cpuEval, gpuEval) = (cpu.Evaluate(data), gpu.Evaluate(data));
        Assert.Equal(cpuEval.Loss, gpuEval.Loss, 1e-4);
        Assert.Equal(cpuEval.Accuracy, gpuEval.Accuracy);
        var (cpuOut, gpuOut) = (cpu.Predict(data), gpu.Predict(data));
        for (int i = 0; i < cpuOut.Length; i++)
            Assert.True(Math.Abs(cpuOut[i] - gpuOut[i]) <= Tolerance * Math.Max(1, Math.Abs(cpuOut[i])), $"output {i}: {cpuOut[i]} vs {gpuOut[i]}");
    }

    [BackendTheory]
    public void Evolution_from_the_same_state_gives_the_identical_topology(string backend)
    {
        var device = Backends.Require(backend);
        var network = SparseNetwork.Create(new SetMlpSpec { LayerSizes = [60, 80, 30, 5], Epsilon = 8, BatchSize = 8, Seed = 4 });
        using var cpu = new CpuEngine(network.Clone());
        using var gpu = Gpu(device, network.Clone());
        for (int epoch = 0; epoch < 4; epoch++)
        {
            bool regrow = epoch < 3; // the last step prunes only, as after a run's last epoch with PruneAfterLastEpoch
            var a = cpu.Evolve(epoch, zeta: 0.2 + 0.1 * epoch, regrow);
            var b = gpu.Evolve(epoch, zeta: 0.2 + 0.1 * epoch, regrow);
            Assert.Equal(a, b);
            AssertSameNetwork(cpu.Export(), gpu.Export(), exactTopology: true, exactWeights: true);
        }
    }

    /// <summary>The first index of a device backend that this machine lacks (0 where it has none) is refused with what ILGPU found, never replaced.</summary>
    [BackendTheory(Set = BackendSet.Devices)]
    public void A_missing_device_is_an_error_that_lists_the_devices_found(string backend)
    {
        var (absent, found) = Backends.FirstAbsent(backend);
        var network = SparseNetwork.Create(new SetMlpSpec { LayerSizes = [4, 3, 2], Epsilon = 1 });
        var ex = Assert.Throws<DeviceUnavailableException>(() => SetEngines.CreateMlp(network, absent));
        Assert.Contains($"device '{absent}': {found}", ex.Message);
        Assert.Contains("ILGPU found: CPU", ex.Message);
    }

    /// <summary>
    /// COIL20 with the foundation issue's reference settings for two epochs: the ILGPU engine lands in the CPU
    /// engine's accuracy band (within one percentage point: the same algorithm, sums in another order).
    /// </summary>
    [Trait(Lane.Category, Lane.Slow)]
    [BackendTheory]
    public void Coil20_reaches_the_cpu_engines_accuracy_band(string backend)
    {
        var device = Backends.Require(backend);
        var data = Standardizer.FitTransform(new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = Data.SharedData.Root, AllowDownload = false })
            .Load("coil20", seed: 1), StandardizationMode.PerFeature);
        var spec = new SetMlpSpec
        {
            LayerSizes = [1024, 1000, 1000, 1000, 20], OutputActivation = OutputActivation.Sigmoid, Loss = LossKind.Mse,
            Epsilon = 20, Zeta = 0.3, WeightInit = WeightInitKind.ReferenceNormal,
            Epochs = 2, BatchSize = 2, Optimizer = new Sgd { LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 0.0002f }, Seed = 1,
        };
        double Accuracy(Device device)
        {
            using var model = SetMlp.Create(spec, device);
            model.Fit(new TrainingData(data.Train, Test: data.Test));
            return model.Evaluate(data.Test).Accuracy;
        }
        double cpu = Accuracy(Device.Cpu);
        double gpu = Accuracy(device);
        Assert.True(cpu > 0.6, $"CPU engine reached only {cpu:P1} after two epochs");
        Assert.True(Math.Abs(gpu - cpu) <= 0.01, $"{backend}: {gpu:P2} against the CPU engine's {cpu:P2}");
    }

    [BackendTheory]
    public void The_engine_names_its_device(string backend)
    {
        var device = Backends.Require(backend);
        var network = SparseNetwork.Create(new SetMlpSpec { LayerSizes = [4, 3, 2], Epsilon = 1 });
        using var engine = Gpu(device, network);
        Assert.Equal(device.ToString(), engine.Name);
        Assert.StartsWith(device.Kind switch
        {
            DeviceKind.IlgpuCpu => "ILGPU CPU accelerator",
            DeviceKind.OpenCl => "OpenCL ",
            DeviceKind.Cuda => "Cuda ",
            var kind => throw new ArgumentException($"no description known for {kind}"),
        }, engine.Device);
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
            AssertClose(e.Bias, a.Bias, exactWeights ? 0 : Tolerance, $"layer {l} bias");
            for (int s = 0; s < e.StateArrays; s++)
            {
                AssertClose(e.WeightState[s], a.WeightState[s], exactWeights ? 0 : Tolerance, $"layer {l} optimiser state {s}");
                AssertClose(e.BiasState[s], a.BiasState[s], exactWeights ? 0 : Tolerance, $"layer {l} bias optimiser state {s}");
                AssertClose(e.ActivationState[s], a.ActivationState[s], exactWeights ? 0 : Tolerance, $"layer {l} SReLU optimiser state {s}");
            }
            if (e.ActivationParameters is { } parameters)
                AssertClose(parameters, a.ActivationParameters!, exactWeights ? 0 : Tolerance, $"layer {l} SReLU parameters");
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
