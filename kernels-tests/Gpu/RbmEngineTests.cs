using System.Diagnostics;
using ILGPU.Runtime.Cuda;
using SetGpu.Cpu.Rbm;
using SetGpu.Data;
using SetGpu.Gpu;
using SetGpu.Gpu.Rbm;
using SetGpu.KernelsTests.Rbm;
using SetGpu.Rbm;
using SetGpu.Training;
using Xunit.Abstractions;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>
/// <see cref="IlgpuRbmEngine"/> against <see cref="CpuRbmEngine"/> from the same state, on every ILGPU backend of the
/// list (<see cref="Backends"/>): an epoch of CD-k gives the same weights within 1e-5 relative (the gathers sum in the
/// CPU engine's order with the same fused multiply-adds and the sampled states use the same keys, so the states agree
/// exactly here), evaluation the same errors, evolution the identical topology, and COIL20 the same test
/// reconstruction error band.
/// </summary>
public class RbmEngineTests(ITestOutputHelper output)
{
    const double Tolerance = 1e-5;

    static IlgpuRbmEngine Gpu(Device device, SparseRbm rbm) => new(IlgpuSession.Open(device), rbm);

    /// <summary>Visible units, CD steps, persistent chains, sampled visibles, momentum, batch.</summary>
    public static TheoryData<VisibleUnitKind, int, bool, bool, float, int> Epochs => new()
    {
        { VisibleUnitKind.Bernoulli, 1, false, false, 0f, 10 },
        { VisibleUnitKind.Bernoulli, 2, false, false, 0.5f, 10 },
        { VisibleUnitKind.Bernoulli, 1, true, false, 0f, 7 },
        { VisibleUnitKind.Bernoulli, 2, false, true, 0.9f, 33 },
        { VisibleUnitKind.Gaussian, 1, false, false, 0f, 10 },
        { VisibleUnitKind.Gaussian, 2, false, true, 0.5f, 16 },
    };

    public static TheoryData<bool> Regrow => [true, false];

    [BackendTheory(nameof(Epochs))]
    public void An_epoch_matches_the_cpu_engine(string backend, VisibleUnitKind kind, int cd, bool persistent, bool sampleVisible, float momentum, int batch)
    {
        var device = Backends.Require(backend);
        var spec = new SetRbmSpec
        {
            Visible = 64, BatchSize = batch, Optimizer = new Sgd { LearningRate = 0.05f, Momentum = momentum, WeightDecay = 1e-4f }, CdSteps = cd,
            Persistent = persistent, SampleVisible = sampleVisible, Seed = 11, EvaluationBatchSize = 50,
        };
        var rbm = RbmTestModels.Random(64, 24, density: 0.15, seed: 5, kind, scale: 0.3f, spec);
        var data = RbmTrainingTests.Prototypes(200, seed: 2);
        var order = SampleOrder.Shuffled(data.Train.Samples, 11, 0);
        using var cpu = new CpuRbmEngine(rbm.Clone());
        using var gpu = Gpu(device, rbm.Clone());
        cpu.SetTrainingData(data.Train);
        gpu.SetTrainingData(data.Train);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            double a = cpu.TrainEpoch(order, 100 * epoch + 3, rbm.Spec), b = gpu.TrainEpoch(order, 100 * epoch + 3, rbm.Spec);
            Assert.True(Math.Abs(a - b) <= Tolerance * Math.Max(1e-3, a), $"epoch {epoch} training error {a} vs {b}");
        }
        AssertSame(cpu.Export(), gpu.Export(), Tolerance);
        if (persistent) AssertClose(cpu.Export().PersistentChains!, gpu.Export().PersistentChains!, 0, "persistent chains");

        var (ec, eg) = (cpu.Evaluate(data.Test, 77), gpu.Evaluate(data.Test, 77));
        Assert.Equal(ec.ReconstructionError, eg.ReconstructionError, 1e-6);
        Assert.True(Math.Abs(ec.MeanFreeEnergy - eg.MeanFreeEnergy) <= 1e-4 * Math.Max(1, Math.Abs(ec.MeanFreeEnergy)),
            $"mean free energy {ec.MeanFreeEnergy} vs {eg.MeanFreeEnergy}");
        var (tc, tg) = (cpu.Transform(data.Test), gpu.Transform(data.Test));
        AssertClose(tc, tg, Tolerance, "features");
    }

    [Trait(Lane.Category, Lane.Slow)]
    [BackendTheory(nameof(Regrow))]
    public void Evolution_from_the_same_state_gives_the_identical_topology(string backend, bool regrow)
    {
        var device = Backends.Require(backend);
        var rbm = SparseRbm.Create(new SetRbmSpec { Visible = 64, Hidden = 24, Epsilon = 4, BatchSize = 10, Seed = 8 });
        var data = RbmTrainingTests.Prototypes(100, seed: 3).Train;
        using var cpu = new CpuRbmEngine(rbm.Clone());
        using var gpu = Gpu(device, rbm.Clone());
        cpu.SetTrainingData(data);
        gpu.SetTrainingData(data);
        var order = Enumerable.Range(0, data.Samples).ToArray();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            cpu.TrainEpoch(order, epoch * 10, rbm.Spec);
            gpu.TrainEpoch(order, epoch * 10, rbm.Spec);
            var before = cpu.Export();
            using var reset = Gpu(device, before.Clone()); // evolve from bit-identical weights
            var a = cpu.Evolve(epoch, 0.3, regrow).Single();
            var b = reset.Evolve(epoch, 0.3, regrow).Single();
            Assert.Equal(a, b);
            var (x, y) = (cpu.Export(), reset.Export());
            Assert.Equal(x.Weights.Pattern.Offsets, y.Weights.Pattern.Offsets);
            Assert.Equal(x.Weights.Pattern.Columns, y.Weights.Pattern.Columns);
            // Survivors keep their bits; regrown values are N(0,1)/20 from log and cos, whose last bits differ between
            // the device's math and .NET's: PoCL's by an ulp, CUDA's lg2.approx and cos.approx by about 2^-21 absolute,
            // which near a zero of cos is far more than an ulp of the value. So: 4e-6 of the value or of σ = 1/20.
            for (int k = 0; k < x.Weights.Weights.Length; k++)
                Assert.True(Math.Abs(x.Weights.Weights[k] - y.Weights.Weights[k]) <= 4e-6f * Math.Max(1f / 20, Math.Abs(x.Weights.Weights[k])),
                            $"weight {k}: cpu {x.Weights.Weights[k]}, device {y.Weights.Weights[k]}");
            Assert.Equal(b.Connections, reset.LayerConnections[0]);
            gpu.Evolve(epoch, 0.3, regrow);
            AssertSame(cpu.Export(), gpu.Export(), Tolerance, exactTopology: true);
        }
    }

    [BackendTheory]
    public void Ais_runs_on_the_host_copy(string backend)
    {
        var device = Backends.Require(backend);
        var rbm = RbmTestModels.Random(12, 5, density: 0.5, seed: 2, spec: new SetRbmSpec { Visible = 12, BatchSize = 5 });
        using var cpu = new CpuRbmEngine(rbm.Clone());
        using var gpu = Gpu(device, rbm.Clone());
        var options = new AisOptions { Runs = 16, Betas = 50 };
        var baseBias = new float[12];
        Assert.Equal(cpu.AisLogWeights(options, 3, baseBias), gpu.AisLogWeights(options, 3, baseBias));
    }

    /// <summary>COIL20, the reference settings, 3 epochs: the ILGPU engine's test reconstruction error within 5% of the CPU engine's.</summary>
    [Trait(Lane.Category, Lane.Slow)]
    [BackendTheory]
    public void Coil20_lands_in_the_cpu_engines_band(string backend)
    {
        var device = Backends.Require(backend);
        var data = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = Data.SharedData.Root, AllowDownload = false }).Load("coil20", seed: 42);
        var spec = new SetRbmSpec { Visible = 1024, Hidden = 200, Epochs = 3, Seed = 42 }; // the reference settings are the defaults
        (double Error, double Seconds) Run(Device device)
        {
            using var model = SetRbm.Create(spec, device);
            var watch = Stopwatch.StartNew();
            var report = model.Fit(new TrainingData(data.Train, Test: data.Test));
            return (report.Epochs[^1].Test!.Loss, watch.Elapsed.TotalSeconds / spec.Epochs);
        }
        var cpu = Run(Device.Cpu);
        var gpu = Run(device);
        output.WriteLine($"COIL20 3 epochs: cpu {cpu.Error:F5} ({cpu.Seconds:F3} s/epoch), {backend} {gpu.Error:F5} ({gpu.Seconds:F3} s/epoch)");
        Assert.True(cpu.Error < 0.06, $"CPU engine: {cpu.Error}");
        Assert.True(Math.Abs(gpu.Error - cpu.Error) <= 0.05 * cpu.Error, $"{backend}: {gpu.Error:F5} against the CPU engine's {cpu.Error:F5}");
    }

    /// <summary>The first index of a device backend that this machine lacks (0 where it has none) is refused, naming the device, never replaced.</summary>
    [BackendTheory(Set = BackendSet.Devices)]
    public void A_missing_device_is_an_error(string backend)
    {
        var (absent, found) = Backends.FirstAbsent(backend);
        var rbm = SparseRbm.Create(new SetRbmSpec { Visible = 8, Hidden = 4 });
        var ex = Assert.Throws<DeviceUnavailableException>(() => SetEngines.CreateRbm(rbm, absent));
        Assert.Contains($"device '{absent}':", ex.Message);
        Assert.Contains(found, ex.Message);
    }

    static void AssertSame(SparseRbm expected, SparseRbm actual, double tolerance, bool exactTopology = true)
    {
        if (exactTopology)
        {
            Assert.Equal(expected.Weights.Pattern.Offsets, actual.Weights.Pattern.Offsets);
            Assert.Equal(expected.Weights.Pattern.Columns, actual.Weights.Pattern.Columns);
        }
        AssertClose(expected.Weights.Weights, actual.Weights.Weights, tolerance, "weights");
        AssertClose(expected.Weights.WeightVelocity, actual.Weights.WeightVelocity, tolerance, "velocity");
        AssertClose(expected.HiddenBias, actual.HiddenBias, tolerance, "hidden bias");
        AssertClose(expected.VisibleBias, actual.VisibleBias, tolerance, "visible bias");
        AssertClose(expected.VisibleBiasVelocity, actual.VisibleBiasVelocity, tolerance, "visible bias velocity");
    }

    static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: {expected[i]} vs {actual[i]} (tolerance {tolerance} relative)");
    }
}
