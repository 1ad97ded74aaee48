using ILGPU;
using ILGPU.Runtime;
using SetGpu.Evolution;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Rng;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// Regrowth by definition (<see cref="Regrowth"/>'s documentation), brute force: in sparse mode the first
/// <c>count</c> distinct empty candidates in counter order; in dense mode the <c>count</c> empty positions with the
/// smallest (Hash(key, position), position). Positions are linear (row · columns + column), returned ascending.
/// </summary>
internal static class RegrowthReference
{
    public static long[] Expected(SparseLayer layer, byte[] removed, long count, ulong key)
    {
        long positions = layer.Positions;
        var taken = new HashSet<long>();
        for (int r = 0; r < layer.Inputs; r++)
            for (int k = layer.Pattern.Offsets[r]; k < layer.Pattern.Offsets[r + 1]; k++)
                if (removed[k] == 0) taken.Add((long)r * layer.Outputs + layer.Pattern.Columns[k]);
        if (Regrowth.UsesDenseMode(positions, taken.Count, count))
            return Enumerable.Range(0, (int)positions).Select(p => (long)p).Where(p => !taken.Contains(p))
                             .OrderBy(p => CounterRng.Hash(key, (ulong)p)).ThenBy(p => p).Take((int)count).Order().ToArray();
        var accepted = new HashSet<long>();
        for (long c = 0; accepted.Count < count; c++)
        {
            long p = Regrowth.CandidatePosition(key, c, positions);
            if (!taken.Contains(p)) accepted.Add(p);
        }
        return accepted.Order().ToArray();
    }

    /// <summary>The removal mask of one pruning step of the case's layer, and how many it removes.</summary>
    public static (byte[] Removed, long Count) Pruned(SparseLayer layer, double zeta)
    {
        var removed = new byte[layer.Connections];
        return (removed, Pruning.MarkRemovals(layer.Weights, zeta, removed).Removed);
    }

    public static ulong Key => CounterRng.Key(77, RngStream.Regrowth, 1, 3);

    /// <summary>Ascending and unique: the CSR rows the positions make are sorted and have no duplicates.</summary>
    public static void AssertSortedAndUnique(long[] positions)
    {
        for (int i = 1; i < positions.Length; i++)
            Assert.True(positions[i - 1] < positions[i], $"positions {i - 1} and {i}: {positions[i - 1]}, {positions[i]}");
    }
}

/// <summary>The CPU twin, <see cref="Regrowth.SelectEmpty"/>, against the definition.</summary>
public class RegrowthCpuTwinTests
{
    [Theory]
    [MemberData(nameof(EvolutionCases.Names), MemberType = typeof(EvolutionCases))]
    public void Selects_the_positions_of_the_definition(string name)
    {
        var (layer, zeta) = EvolutionCases.Case(name);
        var (removed, count) = RegrowthReference.Pruned(layer, zeta);
        var expected = RegrowthReference.Expected(layer, removed, count, RegrowthReference.Key);
        foreach (long maxChunk in new[] { int.MaxValue / 2, 7 }) // big layers regrow in chunks: the chunk size changes only the work
        {
            var grown = Regrowth.SelectEmptyInChunks(layer.Inputs, layer.Outputs, new Occupancy(layer.Pattern, removed, layer.Connections - count),
                                                     count, RegrowthReference.Key, maxChunk);
            grown.Validate(layer.Outputs);
            var positions = Enumerable.Range(0, layer.Inputs)
                .SelectMany(r => grown.Columns[grown.Offsets[r]..grown.Offsets[r + 1]].Select(c => (long)r * layer.Outputs + c)).ToArray();
            Assert.Equal(expected, positions);
        }
    }
}

/// <summary>
/// <see cref="DeviceRegrowth.SelectEmpty"/> (<see cref="RegrowthKernels"/>, <see cref="BucketSortKernel"/>) launched
/// directly on each backend, from the host's removal mask: exactly the positions of the definition (and so of the CPU
/// twin), ascending and unique, in one chunk of candidates or many.
/// </summary>
public class RegrowthTests(Accelerators accelerators) : IClassFixture<Accelerators>
{
    [BackendTheory(nameof(EvolutionCases.Regrowing), MemberType = typeof(EvolutionCases))]
    public void Selects_the_positions_of_the_definition(string backend, string name)
    {
        var accelerator = accelerators.Open(backend);
        var (layer, zeta) = EvolutionCases.Case(name);
        foreach (int maxChunk in new[] { int.MaxValue / 2, 7 }) // the chunk size changes only the work
            AssertSelects(accelerator, layer, zeta, maxChunk);
    }

    static void AssertSelects(Accelerator accelerator, SparseLayer layer, double zeta, int maxChunk)
    {
        var (removed, count) = RegrowthReference.Pruned(layer, zeta);
        var expected = RegrowthReference.Expected(layer, removed, count, RegrowthReference.Key);
        var regrowth = new DeviceRegrowth(accelerator, new DeviceScan(accelerator)) { MaxChunk = maxChunk };
        using var device = new DeviceLayer(accelerator, layer);
        using var removedD = accelerator.Allocate1D(removed);
        using var survivors = accelerator.Allocate1D(PruningReference.Survivors(layer, removed));
        using var scratch = new DeviceScratch(accelerator);
        var accepted = regrowth.SelectEmpty(device, SourceRows.Of(device, removedD), survivors, layer.Connections - count, (int)count,
                                            RegrowthReference.Key, scratch);
        accelerator.Synchronize();
        var positions = new long[count];
        accepted.SubView(0, count).CopyToCPU(positions);
        Assert.Equal(count, positions.Length);
        RegrowthReference.AssertSortedAndUnique(positions);
        Assert.Equal(expected, positions);
    }
}
