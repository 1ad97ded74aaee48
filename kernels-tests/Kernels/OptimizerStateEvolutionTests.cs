using ILGPU;
using ILGPU.Runtime;
using SetGpu.Evolution;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Rng;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// What evolution does to an optimiser with two state arrays (Adam's m and v), by definition: every surviving
/// connection keeps its weight and both state values bit for bit, every regrown one starts with m = v = 0; biases,
/// their state and the activation's parameters are untouched.
/// </summary>
internal static class OptimizerStateReference
{
    /// <summary>A layer of an evolution case with Adam's two state arrays and SReLU's parameters.</summary>
    public static SparseLayer Layer(string name, out double zeta)
    {
        var (layer, z) = EvolutionCases.Case(name);
        zeta = z;
        return OptimizerLayers.WithSRelu(layer, states: 2, seed: layer.Connections + 5);
    }

    /// <summary>Asserts <paramref name="after"/> is <paramref name="before"/> evolved as the definition says, position by position.</summary>
    public static void AssertCarried(SparseLayer before, SparseLayer after, double zeta, bool regrown)
    {
        var old = new Dictionary<long, int>();
        for (int i = 0; i < before.Inputs; i++)
            for (int k = before.Pattern.Offsets[i]; k < before.Pattern.Offsets[i + 1]; k++)
                old[(long)i * before.Outputs + before.Pattern.Columns[k]] = k;
        var removed = new byte[before.Connections];
        var prune = Pruning.MarkRemovals(before.Weights, zeta, removed);
        int kept = 0, added = 0;
        for (int i = 0; i < after.Inputs; i++)
            for (int k = after.Pattern.Offsets[i]; k < after.Pattern.Offsets[i + 1]; k++)
            {
                if (old.TryGetValue((long)i * after.Outputs + after.Pattern.Columns[k], out int o) && removed[o] == 0)
                {
                    kept++;
                    Assert.Equal(BitConverter.SingleToInt32Bits(before.Weights[o]), BitConverter.SingleToInt32Bits(after.Weights[k]));
                    for (int s = 0; s < 2; s++)
                        Assert.Equal(BitConverter.SingleToInt32Bits(before.WeightState[s][o]), BitConverter.SingleToInt32Bits(after.WeightState[s][k]));
                }
                else
                {
                    added++;
                    Assert.Equal(0f, after.WeightState[0][k]);
                    Assert.Equal(0f, after.WeightState[1][k]);
                }
            }
        Assert.Equal(before.Connections - prune.Removed, kept);
        Assert.Equal(regrown ? prune.Removed : 0, added);
        Assert.Equal(2, after.StateArrays);
        Assert.Equal(TestLayers.Bits(before.Bias), TestLayers.Bits(after.Bias));
        for (int s = 0; s < 2; s++) Assert.Equal(TestLayers.Bits(before.BiasState[s]), TestLayers.Bits(after.BiasState[s]));
        Assert.Equal(TestLayers.Bits(before.ActivationParameters!), TestLayers.Bits(after.ActivationParameters!));
    }

    public static TheoryData<string> Cases => new() { "300x200 sparse", "50x40 dense mode", "30x20 full", "many ties", "1x3000 one row" };
}

/// <summary>The host's evolution step and prune-only step on a layer with Adam's two state arrays.</summary>
public class OptimizerStateEvolutionCpuTests
{
    [Theory]
    [MemberData(nameof(OptimizerStateReference.Cases), MemberType = typeof(OptimizerStateReference))]
    public void Evolution_keeps_survivors_state_and_zeroes_regrown_state(string name)
    {
        var layer = OptimizerStateReference.Layer(name, out double zeta);
        var before = layer.Clone();
        SparseEvolution.EvolveLayer(layer, 1, zeta, seed: 77, epoch: 3);
        OptimizerStateReference.AssertCarried(before, layer, zeta, regrown: true);

        var pruned = before.Clone();
        SparseEvolution.Prune(pruned, 1, zeta);
        OptimizerStateReference.AssertCarried(before, pruned, zeta, regrown: false);
    }
}

/// <summary>
/// <see cref="DeviceEvolution.EvolveLayer"/> (the device rebuild carries both state arrays) and the engine's prune-only
/// step on each backend, on a layer with Adam's two state arrays: the host's result bit for bit.
/// </summary>
public class OptimizerStateEvolutionTests(Accelerators accelerators) : IClassFixture<Accelerators>
{
    [BackendTheory(nameof(OptimizerStateReference.Cases), MemberType = typeof(OptimizerStateReference))]
    public void Device_evolution_carries_both_state_arrays_as_the_host_does(string backend, string name)
    {
        var accelerator = accelerators.Open(backend);
        var layer = OptimizerStateReference.Layer(name, out double zeta);
        var host = layer.Clone();
        var expected = SparseEvolution.EvolveLayer(host, 1, zeta, seed: 77, epoch: 3);
        var evolution = new DeviceEvolution(accelerator);
        using var device = new DeviceLayer(accelerator, layer);
        Assert.Equal(expected, evolution.EvolveLayer(device, 1, zeta, seed: 77, epoch: 3));
        AssertSame(host, device.Download());
        OptimizerStateReference.AssertCarried(layer, device.Download(), zeta, regrown: true);

        var prunedHost = layer.Clone();
        SparseEvolution.Prune(prunedHost, 1, zeta);
        using var pruned = new DeviceLayer(accelerator, layer);
        IlgpuEngine.PruneOnHost(pruned, 1, zeta);
        AssertSame(prunedHost, pruned.Download());
    }

    static void AssertSame(SparseLayer expected, SparseLayer actual)
    {
        Assert.Equal(expected.Pattern.Offsets, actual.Pattern.Offsets);
        Assert.Equal(expected.Pattern.Columns, actual.Pattern.Columns);
        Assert.Equal(TestLayers.Bits(expected.Weights), TestLayers.Bits(actual.Weights));
        for (int s = 0; s < 2; s++)
        {
            Assert.Equal(TestLayers.Bits(expected.WeightState[s]), TestLayers.Bits(actual.WeightState[s]));
            Assert.Equal(TestLayers.Bits(expected.BiasState[s]), TestLayers.Bits(actual.BiasState[s]));
            Assert.Equal(TestLayers.Bits(expected.ActivationState[s]), TestLayers.Bits(actual.ActivationState[s]));
        }
        Assert.Equal(TestLayers.Bits(expected.ActivationParameters!), TestLayers.Bits(actual.ActivationParameters!));
    }
}
