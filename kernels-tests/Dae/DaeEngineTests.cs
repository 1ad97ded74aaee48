using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Gpu;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Dae;

/// <summary>
/// The autoencoder (target = clean inputs, masking noise on the inputs) on the ILGPU engines against the CPU engine,
/// from the same state, on every ILGPU backend of the list: the same noise masks, weights within 1e-5 relative after
/// training steps, the same reconstruction error, reconstructions and hidden code.
/// </summary>
public class DaeEngineTests
{
    const double Tolerance = 1e-5;

    /// <summary>Hidden activation, reconstruction, input noise, batch.</summary>
    public static TheoryData<HiddenActivation, OutputActivation, float, int> Configurations => new()
    {
        { HiddenActivation.Sigmoid, OutputActivation.Sigmoid, 0.2f, 16 },
        { HiddenActivation.Sigmoid, OutputActivation.Linear, 0.5f, 7 },
        { HiddenActivation.Relu, OutputActivation.Sigmoid, 0f, 33 },
        { HiddenActivation.Tanh, OutputActivation.Linear, 0.2f, 2 },
    };

    [BackendTheory(nameof(Configurations))]
    public void Training_steps_match_the_cpu_engine(string backend, HiddenActivation hidden, OutputActivation output, float noise, int batch)
    {
        var device = Backends.Require(backend);
        var spec = SetDae.DefaultSpec(30, 45) with
        {
            HiddenActivation = hidden, OutputActivation = output, InputNoise = noise, BatchSize = batch, Epsilon = 5, Seed = 11,
            Optimizer = new Sgd { LearningRate = 0.1f, Momentum = 0.9f },
        };
        var data = DaeData.Prototypes();
        var order = SampleOrder.Shuffled(data.Samples, 3, 0);
        var network = SparseNetwork.Create(spec);
        using var cpu = new CpuEngine(network.Clone());
        using var gpu = new IlgpuEngine(IlgpuSession.Open(device), network.Clone());
        cpu.SetTrainingData(data);
        gpu.SetTrainingData(data);
        double cpuLoss = cpu.TrainEpoch(order.AsSpan(0, 3 * batch), step: 5, spec);
        double gpuLoss = gpu.TrainEpoch(order.AsSpan(0, 3 * batch), step: 5, spec);

        Assert.Equal(cpuLoss, gpuLoss, 1e-5);
        IlgpuEngineTests.AssertSameNetwork(cpu.Export(), gpu.Export(), exactTopology: true);
        Assert.Equal(cpu.Evaluate(data).Loss, gpu.Evaluate(data).Loss, 1e-5);
        AssertClose(cpu.Predict(data), gpu.Predict(data), "reconstruction");
        AssertClose(cpu.Activations(data, 1), gpu.Activations(data, 1), "hidden code");

        // The weights agree within rounding, so the thresholds do too; the topology chosen is the identical one.
        var a = cpu.Evolve(0, 0.2);
        var b = gpu.Evolve(0, 0.2);
        Assert.Equal(a.Select(e => (e.Prune.Removed, e.Added)), b.Select(e => (e.Prune.Removed, e.Added)));
        IlgpuEngineTests.AssertSameNetwork(cpu.Export(), gpu.Export(), exactTopology: true);
    }

    static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what} {i}: {expected[i]} vs {actual[i]}");
    }
}
