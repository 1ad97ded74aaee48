using ILGPU;
using ILGPU.Runtime;
using SetGpu.Evolution;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// Threshold select and prune by definition: per sign, the weights ordered by (magnitude key, CSR index); the first
/// floor(ζ·n) of each sign go; the threshold is the largest removed magnitude (0 when none goes).
/// </summary>
internal static class PruningReference
{
    public static (PruneResult Result, byte[] Removed) Expected(float[] w, double zeta)
    {
        var removed = new byte[w.Length];
        var counts = new long[2];
        var gone = new long[2];
        var thresholds = new float[2];
        foreach (bool negative in new[] { true, false })
        {
            var side = Enumerable.Range(0, w.Length).Where(k => Pruning.IsNegative(w[k]) == negative)
                                 .OrderBy(k => Pruning.MagnitudeKey(w[k])).ThenBy(k => k).ToArray();
            long remove = (long)Math.Floor(zeta * side.Length);
            for (long r = 0; r < remove; r++) removed[side[r]] = 1;
            int s = negative ? 0 : 1;
            (counts[s], gone[s]) = (side.Length, remove);
            thresholds[s] = remove > 0 ? BitConverter.UInt32BitsToSingle(Pruning.MagnitudeKey(w[side[remove - 1]])) : 0f;
        }
        return (new PruneResult(counts[0], counts[1], gone[0], gone[1], thresholds[0], thresholds[1]), removed);
    }

    /// <summary>Survivors per CSR row.</summary>
    public static int[] Survivors(SparseLayer layer, byte[] removed) =>
        Enumerable.Range(0, layer.Inputs)
            .Select(r => Enumerable.Range(layer.Pattern.Offsets[r], layer.Pattern.Offsets[r + 1] - layer.Pattern.Offsets[r]).Count(k => removed[k] == 0))
            .ToArray();
}

/// <summary>The CPU twin, <see cref="Pruning.MarkRemovals"/>, against the definition.</summary>
public class PruningCpuTwinTests
{
    [Theory]
    [MemberData(nameof(EvolutionCases.Names), MemberType = typeof(EvolutionCases))]
    public void Removes_what_the_definition_removes(string name)
    {
        var (layer, zeta) = EvolutionCases.Case(name);
        var (expected, expectedRemoved) = PruningReference.Expected(layer.Weights, zeta);
        var removed = new byte[layer.Connections];
        Assert.Equal(expected, Pruning.MarkRemovals(layer.Weights, zeta, removed));
        Assert.Equal(expectedRemoved, removed);
    }
}

/// <summary>
/// <see cref="DevicePruning.MarkRemovals"/> (<see cref="PruningKernels"/>) launched directly on each backend: the removed
/// set, the counts and thresholds of the definition (and so of the CPU twin), the survivors of every row, and the layer
/// unchanged.
/// </summary>
public class PruningTests(Accelerators accelerators) : IClassFixture<Accelerators>
{
    [BackendTheory(nameof(EvolutionCases.Names), MemberType = typeof(EvolutionCases))]
    public void Removes_what_the_definition_removes(string backend, string name)
    {
        var accelerator = accelerators.Open(backend);
        var (layer, zeta) = EvolutionCases.Case(name);
        var (expected, expectedRemoved) = PruningReference.Expected(layer.Weights, zeta);
        var pruning = new DevicePruning(accelerator, new DeviceScan(accelerator));
        using var device = new DeviceLayer(accelerator, layer);
        using var removed = accelerator.Allocate1D<byte>(layer.Connections);
        using var survivors = accelerator.Allocate1D<int>(layer.Inputs);
        PruneResult result;
        using (var scratch = new DeviceScratch(accelerator))
            result = pruning.MarkRemovals(device, zeta, removed, survivors, scratch);
        accelerator.Synchronize();

        Assert.Equal(expected, result);
        // When nothing goes, the stage stops after its counting pass and marks nothing: the step leaves the layer alone.
        if (expected.Removed == 0) return;
        Assert.Equal(expectedRemoved, removed.GetAsArray1D());
        Assert.Equal(PruningReference.Survivors(layer, expectedRemoved), survivors.GetAsArray1D());
        Assert.Equal(TestLayers.Bits(layer.Weights), TestLayers.Bits(device.Download().Weights));
    }
}
