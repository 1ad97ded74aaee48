using ILGPU.Runtime;
using SetGpu.Evolution;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Rng;
using SetGpu.Sparse;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>The accelerators of the listed backends and one compiled <see cref="DeviceEvolution"/> on each, for a whole test class.</summary>
public sealed class DeviceEvolutionFixture : Accelerators
{
    readonly Dictionary<string, DeviceEvolution> _evolutions = [];

    /// <summary>The accelerator and evolution of backend <paramref name="backend"/>; skips the test, or fails it, where its device is missing.</summary>
    internal EvolutionOn On(string backend)
    {
        var accelerator = Open(backend);
        if (!_evolutions.TryGetValue(backend, out var evolution)) _evolutions.Add(backend, evolution = new DeviceEvolution(accelerator));
        return new(accelerator, evolution);
    }

    public override void Dispose()
    {
        foreach (var evolution in _evolutions.Values) evolution.Dispose();
        _evolutions.Clear();
        base.Dispose();
    }
}

/// <summary>One backend's accelerator and the evolution compiled for it.</summary>
internal sealed record EvolutionOn(Accelerator Accelerator, DeviceEvolution Evolution);

/// <summary>
/// The device evolution step against the host reference <see cref="SparseEvolution.EvolveLayer"/> on every ILGPU backend
/// of the list: same record, same CSR arrays, bit-identical weights and momenta, and the incoming index that
/// <see cref="IncomingIndex.Build"/> gives for the result.
/// </summary>
public class DeviceEvolutionTests(DeviceEvolutionFixture fixture) : IClassFixture<DeviceEvolutionFixture>
{
    /// <summary>Inputs, outputs, density, ζ.</summary>
    public static TheoryData<int, int, double, double> Layers => new()
    {
        { 300, 200, 0.05, 0.3 },
        { 1000, 1000, 0.04, 0.3 }, // the size of a real hidden layer
        { 1000, 5, 0.2, 0.5 },
        { 5, 1000, 0.2, 0.3 },
        { 50, 40, 0.9, 0.3 },   // near full density: dense-mode regrowth
        { 30, 20, 1.0, 0.3 },   // full: regrowth refills exactly the removed positions
        { 100, 100, 0.1, 0.0 }, // ζ = 0: nothing changes
        { 40, 30, 0.2, 1.0 },   // ζ = 1: everything goes
        { 12, 9, 0.1, 0.5 },    // tiny: many duplicate candidates per chunk
        { 64, 64, 0.2, 0.3 },   // just below the dense-mode boundary after regrowth
        { 1, 3000, 0.1, 0.5 },  // one row: its candidates' bucket is heap-sorted
        { 3000, 1, 0.1, 0.5 },  // one column: its incoming bucket is heap-sorted
        { 1, 1, 1.0, 1.0 },
    };

    public static TheoryData<bool> Signs => [false, true];

    public static TheoryData<float> Levels => [4f, 64f]; // 4: nine values (with ±0), huge tie groups at each threshold

    /// <summary>Inputs, outputs, density, ζ, the largest chunk of regrowth candidates.</summary>
    public static TheoryData<int, int, double, double, int> Chunks => new()
    {
        { 300, 200, 0.05, 0.3, 50 },
        { 12, 9, 0.1, 0.5, 3 },
        { 1000, 5, 0.2, 0.5, 7 },
    };

    [BackendTheory(nameof(Layers))]
    public void Matches_the_host_reference(string backend, int inputs, int outputs, double density, double zeta)
    {
        var on = fixture.On(backend);
        var layer = TestLayers.Random(inputs, outputs, density, seed: inputs * 7 + outputs);
        AssertSameEvolution(on, layer, layerIndex: 1, zeta, seed: 77, epoch: 3);
    }

    [BackendTheory(nameof(Signs))]
    public void Matches_when_all_weights_have_one_sign(string backend, bool negative)
    {
        var on = fixture.On(backend);
        var layer = TestLayers.Random(200, 120, 0.06, seed: 5);
        for (int k = 0; k < layer.Weights.Length; k++)
            layer.Weights[k] = negative ? -MathF.Abs(layer.Weights[k]) : MathF.Abs(layer.Weights[k]);
        var result = AssertSameEvolution(on, layer, layerIndex: 0, zeta: 0.3, seed: 9, epoch: 1);
        Assert.Equal(negative ? 0 : layer.Connections, result.Prune.Positives);
    }

    [BackendTheory(nameof(Levels))]
    public void Matches_with_many_tied_weights(string backend, float levels)
    {
        var on = fixture.On(backend);
        var layer = TestLayers.Random(250, 160, 0.08, seed: 11);
        for (int k = 0; k < layer.Weights.Length; k++)
        {
            float q = MathF.Round(layer.Weights[k] * levels) / levels;
            // Keep some signed zeros on both sides: −0 counts as negative, +0 as positive.
            layer.Weights[k] = q == 0f ? (k % 2 == 0 ? -0f : 0f) : q;
        }
        AssertSameEvolution(on, layer, layerIndex: 2, zeta: 0.3, seed: 13, epoch: 4);
        AssertSameEvolution(on, layer, layerIndex: 2, zeta: 0.55, seed: 13, epoch: 5);
    }

    [BackendTheory]
    public void Matches_with_reference_normal_initialiser(string backend)
    {
        var on = fixture.On(backend);
        var source = TestLayers.Random(150, 90, 0.1, seed: 21);
        var layer = new SparseLayer(source.Inputs, source.Outputs, source.Activation,
            WeightInit.For(WeightInitKind.ReferenceNormal, 10), source.Pattern, source.Weights, source.WeightVelocity,
            source.Bias, source.BiasVelocity);
        // Box–Muller needs log and cos: .NET's on the CPU accelerator (bit-identical), the device's elsewhere (a few
        // ulps apart), so there the regrown values are compared within 1e-6 relative and the topology exactly.
        AssertSameEvolution(on, layer, layerIndex: 0, zeta: 0.3, seed: 4, epoch: 2,
                            weightTolerance: on.Accelerator.AcceleratorType == AcceleratorType.CPU ? 0 : 1e-6);
    }

    [BackendTheory]
    public void Matches_with_zero_regrowth(string backend)
    {
        var on = fixture.On(backend);
        var source = TestLayers.Random(150, 90, 0.1, seed: 23);
        var layer = new SparseLayer(source.Inputs, source.Outputs, source.Activation, WeightInit.Zero, source.Pattern,
                                    source.Weights, source.WeightVelocity, source.Bias, source.BiasVelocity);
        AssertSameEvolution(on, layer, layerIndex: 1, zeta: 0.3, seed: 6, epoch: 1);
    }

    [BackendTheory(nameof(Chunks))]
    public void Matches_when_regrowth_takes_many_small_chunks(string backend, int inputs, int outputs, double density, double zeta, int chunk)
    {
        var on = fixture.On(backend);
        // The chunk size changes only the work: later chunks must drop positions accepted by earlier ones.
        var layer = TestLayers.Random(inputs, outputs, density, seed: inputs + 3 * outputs);
        on.Evolution.MaxChunk = chunk;
        try
        {
            AssertSameEvolution(on, layer, layerIndex: 1, zeta, seed: 31, epoch: 2);
        }
        finally
        {
            on.Evolution.MaxChunk = int.MaxValue / 2;
        }
    }

    [BackendTheory]
    public void Repeated_evolution_matches_every_epoch(string backend)
    {
        var on = fixture.On(backend);
        var host = TestLayers.Random(120, 80, 0.08, seed: 2);
        int nnz = host.Connections;
        using var device = new DeviceLayer(on.Accelerator, host);
        for (int epoch = 0; epoch < 8; epoch++)
        {
            var expected = SparseEvolution.EvolveLayer(host, 0, 0.3, seed: 3, epoch);
            var actual = on.Evolution.EvolveLayer(device, 0, 0.3, seed: 3, epoch);
            Assert.Equal(expected, actual);
            Assert.Equal(nnz, device.Connections);
            AssertSameLayer(host, device, $"epoch {epoch}");
        }
    }

    [BackendTheory]
    public void Matches_on_a_layer_with_more_than_2_to_the_32_positions(string backend)
    {
        var on = fixture.On(backend);
        const int inputs = 100_000, outputs = 60_000;
        var pattern = Regrowth.SelectEmpty(inputs, outputs, Occupancy.None(inputs), 20_000,
                                           CounterRng.Key(17, RngStream.InitialTopology, 0, 0));
        var rng = new Random(17);
        var weights = new float[pattern.Count];
        var velocity = new float[pattern.Count];
        for (int k = 0; k < weights.Length; k++)
        {
            weights[k] = (float)(rng.NextDouble() * 2 - 1);
            velocity[k] = (float)(rng.NextDouble() * 0.2 - 0.1);
        }
        var layer = new SparseLayer(inputs, outputs, new LayerActivation(ActivationKind.PiecewiseLinear, 0f),
                                    WeightInit.For(WeightInitKind.HeUniform, pattern.Count / (double)outputs),
                                    pattern, weights, velocity);
        Assert.True(layer.Positions > 1L << 32);
        AssertSameEvolution(on, layer, layerIndex: 3, zeta: 0.3, seed: 99, epoch: 7);
    }

    static LayerEvolution AssertSameEvolution(EvolutionOn on, SparseLayer start, int layerIndex, double zeta, ulong seed, int epoch,
                                       double weightTolerance = 0)
    {
        var host = start.Clone();
        using var device = new DeviceLayer(on.Accelerator, start);
        var expected = SparseEvolution.EvolveLayer(host, layerIndex, zeta, seed, epoch);
        var actual = on.Evolution.EvolveLayer(device, layerIndex, zeta, seed, epoch);
        Assert.Equal(expected, actual);
        AssertSameLayer(host, device, $"{start.Inputs}x{start.Outputs} ζ={zeta}", weightTolerance);
        return actual;
    }

    internal static void AssertSameLayer(SparseLayer expected, DeviceLayer device, string what, double weightTolerance = 0)
    {
        var actual = device.Download();
        actual.Validate(what);
        Assert.Equal(expected.Pattern.Offsets, actual.Pattern.Offsets);
        Assert.Equal(expected.Pattern.Columns, actual.Pattern.Columns);
        if (weightTolerance == 0) Assert.Equal(Bits(expected.Weights), Bits(actual.Weights));
        else
            for (int k = 0; k < expected.Weights.Length; k++)
                Assert.True(Math.Abs(expected.Weights[k] - actual.Weights[k]) <= weightTolerance * Math.Max(1, Math.Abs(expected.Weights[k])),
                    $"{what}: weight {k} is {actual.Weights[k]}, host {expected.Weights[k]}");
        Assert.Equal(Bits(expected.WeightVelocity), Bits(actual.WeightVelocity));
        Assert.Equal(Bits(expected.Bias), Bits(actual.Bias));

        var incoming = IncomingIndex.Build(expected.Pattern, expected.Outputs);
        Assert.Equal(incoming.Offsets, device.IncomingOffsets.GetAsArray1D());
        Assert.Equal(incoming.Inputs, device.IncomingInputs.GetAsArray1D());
        Assert.Equal(incoming.WeightIndex, device.IncomingWeightIndex.GetAsArray1D());
    }

    static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
