using ILGPU;
using ILGPU.Runtime;
using System.Diagnostics;
using SetGpu.Cpu;
using SetGpu.Evolution.Wast;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.KernelsTests.Dae;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>
/// WAST on the ILGPU engine against the host on every ILGPU backend of the list: a layer step from the same state and
/// importance gives the same record, CSR arrays, bit-identical values and incoming index as <see cref="WastStep.EvolveLayer"/>;
/// the batch's importance terms are the host's to the bit; and a whole run trains on both engines to the same
/// connection counts and nearly the same topology.
/// </summary>
public class DeviceWastTests(DeviceEvolutionFixture fixture) : IClassFixture<DeviceEvolutionFixture>
{
    static readonly Dictionary<DeviceEvolution, DeviceWast> Loaded = [];

    DeviceWast On(string backend, out EvolutionOn on)
    {
        on = fixture.On(backend);
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(on.Evolution, out var wast)) Loaded.Add(on.Evolution, wast = new DeviceWast(on.Accelerator, on.Evolution));
            return wast;
        }
    }

    /// <summary>Inputs, outputs, density, ζ, growth on the rows (layer 1) or the columns (layer 2), the kind of importance.</summary>
    public static TheoryData<int, int, double, double, bool, string> Layers => new()
    {
        { 60, 80, 0.1, 0.3, true, "random" },
        { 80, 60, 0.1, 0.3, false, "random" },
        { 50, 40, 0.6, 0.5, true, "ties" },    // dense: the most important rows are full and skipped
        { 40, 50, 0.6, 0.5, false, "ties" },
        { 100, 70, 0.1, 0.3, true, "zeros" }, // importance 0: scaled weights ±0, tied at the drop
        { 70, 100, 0.1, 0.3, false, "zeros" },
        { 30, 20, 1.0, 0.3, true, "random" }, // full: the growth refills exactly the dropped positions
        { 784, 1000, 0.045, 0.3, true, "random" }, // an MNIST autoencoder's layers
        { 1000, 784, 0.045, 0.3, false, "random" },
    };

    [BackendTheory(nameof(Layers))]
    public void A_layer_step_matches_the_host(string backend, int inputs, int outputs, double density, double zeta, bool onRows, string kind)
    {
        var wast = On(backend, out var on);
        var start = TestLayers.Random(inputs, outputs, density, seed: inputs + 5 * outputs);
        int layerIndex = onRows ? 0 : 1;
        var importance = Importance(onRows ? inputs : outputs, kind, seed: inputs * 3 + outputs);
        var spec = SetDae.WastSpec(onRows ? inputs : outputs, onRows ? outputs : inputs) with
            { Seed = 41, Wast = new WastEvolution { Zeta = zeta } };
        for (int step = 0; step < 3; step++)
        {
            var host = start.Clone();
            using var device = new DeviceLayer(on.Accelerator, start);
            var reference = new WastStep(spec);
            var expected = onRows ? reference.EvolveLayer(host, layerIndex, importance, null, step)
                                  : reference.EvolveLayer(host, layerIndex, null, importance, step);
            var (actual, scored) = wast.EvolveLayer(device, layerIndex, onRows ? importance : null, onRows ? null : importance, zeta,
                spec.Seed, step, (new Stopwatch(), new Stopwatch(), new Stopwatch()));
            Assert.Equal(expected, actual);
            Assert.Equal(reference.Scored, scored);
            DeviceEvolutionTests.AssertSameLayer(host, device, $"{inputs}x{outputs} {kind} step {step}");
            start = host;
        }
    }

    /// <summary>Importance of <paramref name="n"/> neurons: random, a few levels (ties), or random with every third 0.</summary>
    static float[] Importance(int n, string kind, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(i => kind switch
        {
            "ties" => (float)rng.Next(3),
            "zeros" => i % 3 == 0 ? 0f : rng.NextSingle() * 5,
            _ => rng.NextSingle() * 5,
        }).ToArray();
    }

    [BackendTheory]
    public void The_importance_terms_are_the_hosts_to_the_bit(string backend)
    {
        var wast = On(backend, out var on);
        const int features = 90, hidden = 70, batch = 13;
        var first = TestLayers.Random(features, hidden, 0.1, seed: 3);
        var last = TestLayers.Random(hidden, features, 0.1, seed: 4);
        var clean = TestLayers.RandomBlock(features, batch, seed: 5);
        var reconstruction = TestLayers.RandomBlock(features, batch, seed: 6);
        var expected = new NeuronImportance(features, features);
        expected.Add(clean, reconstruction, batch, first, last, lambda: 0.9);

        int lanes = TrainingKernels.Lanes(batch);
        using var deviceFirst = new DeviceLayer(on.Accelerator, first);
        using var deviceLast = new DeviceLayer(on.Accelerator, last);
        using var cleanBlock = on.Accelerator.Allocate1D(Padded(clean, features, batch, lanes));
        using var reconstructionBlock = on.Accelerator.Allocate1D(Padded(reconstruction, features, batch, lanes));
        var (error, rows, columns) = (new double[features], new double[features], new double[features]);
        wast.ImportanceTerms(deviceFirst, deviceLast, cleanBlock.View, reconstructionBlock.View, batch, lanes, error, rows, columns);
        var actual = new NeuronImportance(features, features);
        actual.AddTerms(error, rows, columns, lambda: 0.9);

        Assert.Equal(expected.Inputs, actual.Inputs);
        Assert.Equal(expected.Outputs, actual.Outputs);
    }

    /// <summary>A feature-major block of <paramref name="batch"/> samples laid out with <paramref name="lanes"/> per feature (the rest garbage).</summary>
    static float[] Padded(float[] block, int features, int batch, int lanes)
    {
        var padded = Enumerable.Repeat(1e6f, features * lanes).ToArray();
        for (int j = 0; j < features; j++) Array.Copy(block, j * batch, padded, j * lanes, batch);
        return padded;
    }

    /// <summary>
    /// Three epochs of a small WAST autoencoder (40 inputs, every batch evolving) on both engines: the same connection
    /// count in every layer and CSR invariants after each epoch, the same steps, and a topology and an importance that
    /// stay close. Training sums run in another order on the device (weights within 1e-5, as the MLP's parity test
    /// allows), so a near tie at a drop threshold may go the other way; the rest of the step is exact (above).
    /// </summary>
    [BackendTheory]
    public void A_run_matches_the_cpu_engine(string backend)
    {
        var device = Backends.Require(backend);
        var data = WastTests.Blocks(200, 40, seed: 1);
        var spec = WastTests.SmallWast(3);
        (SparseNetwork Network, float[] Importance, long Steps, double Loss) Run(Device on)
        {
            using var dae = SetDae.Create(spec, on);
            var report = dae.Fit(new TrainingData(data));
            return (dae.Export(), dae.InputImportance(), dae.Wast!.Steps, report.Epochs[^1].TrainLoss);
        }
        var cpu = Run(Device.Cpu);
        var gpu = Run(device);
        Assert.Equal(cpu.Steps, gpu.Steps);
        for (int l = 0; l < 2; l++)
        {
            var (a, b) = (cpu.Network.Layers[l], gpu.Network.Layers[l]);
            b.Pattern.Validate(b.Outputs, $"layer {l}");
            Assert.Equal(a.Connections, b.Connections);
            double shared = SharedFraction(a, b);
            Assert.True(shared >= 0.95, $"layer {l}: {shared:P1} of the connections shared");
        }
        for (int j = 0; j < cpu.Importance.Length; j++)
            Assert.True(Math.Abs(cpu.Importance[j] - gpu.Importance[j]) <= 1e-3 * Math.Max(1, Math.Abs(cpu.Importance[j])),
                $"input {j}: importance {gpu.Importance[j]} against the CPU engine's {cpu.Importance[j]}");
        Assert.Equal(cpu.Loss, gpu.Loss, 1e-3);
    }

    static double SharedFraction(SparseLayer a, SparseLayer b)
    {
        long shared = 0;
        for (int r = 0; r < a.Inputs; r++)
        {
            var set = new HashSet<int>(a.Pattern.Columns[a.Pattern.Offsets[r]..a.Pattern.Offsets[r + 1]]);
            for (int k = b.Pattern.Offsets[r]; k < b.Pattern.Offsets[r + 1]; k++) if (set.Contains(b.Pattern.Columns[k])) shared++;
        }
        return shared / (double)a.Connections;
    }
}
