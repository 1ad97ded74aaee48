using ILGPU;
using ILGPU.Runtime;
using SetGpu.Evolution;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Rng;
using SetGpu.Sparse;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// CSR rebuild and incoming index by definition, through a position map: every surviving connection keeps its weight
/// and momentum, every regrown position gets the initialiser's value under the key and zero momentum; the CSR rows list
/// the positions row by row, columns ascending; the incoming index lists each column's connections by ascending row,
/// with the CSR index of each.
/// </summary>
internal static class CsrRebuildReference
{
    public sealed record Rebuilt(int[] Offsets, int[] Columns, float[] Weights, float[] Velocity, int[] IncomingOffsets,
                                 int[] IncomingInputs, int[] IncomingWeightIndex);

    public static ulong WeightKey => CounterRng.Key(77, RngStream.RegrowthWeights, 1, 3);

    public static Rebuilt Expected(SparseLayer layer, byte[] removed, long[] grown, ulong weightKey)
    {
        var values = new SortedDictionary<long, (float Weight, float Velocity)>();
        for (int r = 0; r < layer.Inputs; r++)
            for (int k = layer.Pattern.Offsets[r]; k < layer.Pattern.Offsets[r + 1]; k++)
                if (removed[k] == 0) values.Add((long)r * layer.Outputs + layer.Pattern.Columns[k], (layer.Weights[k], layer.WeightVelocity[k]));
        foreach (long p in grown) values.Add(p, (layer.Init.Value(weightKey, p), 0f));

        var entries = values.Select(e => (Row: (int)(e.Key / layer.Outputs), Column: (int)(e.Key % layer.Outputs), e.Value)).ToArray();
        var offsets = new int[layer.Inputs + 1];
        foreach (var e in entries) offsets[e.Row + 1]++;
        for (int r = 0; r < layer.Inputs; r++) offsets[r + 1] += offsets[r];
        var incoming = entries.Select((e, k) => (e.Row, e.Column, Index: k)).OrderBy(e => e.Column).ThenBy(e => e.Row).ToArray();
        var incomingOffsets = new int[layer.Outputs + 1];
        foreach (var e in incoming) incomingOffsets[e.Column + 1]++;
        for (int c = 0; c < layer.Outputs; c++) incomingOffsets[c + 1] += incomingOffsets[c];
        return new Rebuilt(offsets, entries.Select(e => e.Column).ToArray(), entries.Select(e => e.Value.Weight).ToArray(),
                           entries.Select(e => e.Value.Velocity).ToArray(), incomingOffsets, incoming.Select(e => e.Row).ToArray(),
                           incoming.Select(e => e.Index).ToArray());
    }

    /// <summary>The case's removal mask and regrown positions (from the CPU twins of the first two stages).</summary>
    public static (byte[] Removed, long[] Grown) Evolved(SparseLayer layer, double zeta)
    {
        var (removed, count) = RegrowthReference.Pruned(layer, zeta);
        var grown = Regrowth.SelectEmpty(layer.Inputs, layer.Outputs, new Occupancy(layer.Pattern, removed, layer.Connections - count),
                                         count, RegrowthReference.Key);
        return (removed, Enumerable.Range(0, layer.Inputs)
            .SelectMany(r => grown.Columns[grown.Offsets[r]..grown.Offsets[r + 1]].Select(c => (long)r * layer.Outputs + c)).ToArray());
    }

    /// <summary>Asserts <paramref name="actual"/> is <paramref name="expected"/> bit for bit, with valid rows and the connections kept.</summary>
    public static void AssertSame(Rebuilt expected, Rebuilt actual, SparseLayer layer)
    {
        new CsrPattern(actual.Offsets, actual.Columns).Validate(layer.Outputs, "rebuilt rows"); // sorted, unique, in range
        Assert.Equal(layer.Connections, actual.Columns.Length); // exactly as many connections as before the step
        Assert.Equal(expected.Offsets, actual.Offsets);
        Assert.Equal(expected.Columns, actual.Columns);
        Assert.Equal(TestLayers.Bits(expected.Weights), TestLayers.Bits(actual.Weights));
        Assert.Equal(TestLayers.Bits(expected.Velocity), TestLayers.Bits(actual.Velocity));
        Assert.Equal(expected.IncomingOffsets, actual.IncomingOffsets);
        Assert.Equal(expected.IncomingInputs, actual.IncomingInputs);
        Assert.Equal(expected.IncomingWeightIndex, actual.IncomingWeightIndex);
    }
}

/// <summary>The CPU twins, <see cref="CsrRebuild.Merge"/> and <see cref="IncomingIndex.Build"/>, against the definition.</summary>
public class CsrRebuildCpuTwinTests
{
    [Theory]
    [MemberData(nameof(EvolutionCases.Names), MemberType = typeof(EvolutionCases))]
    public void Rebuilds_the_rows_and_index_of_the_definition(string name)
    {
        var (layer, zeta) = EvolutionCases.Case(name);
        var (removed, grown) = CsrRebuildReference.Evolved(layer, zeta);
        var grownPattern = Regrowth.FromSortedPositions(layer.Inputs, layer.Outputs, grown);
        var (pattern, weights, state) = CsrRebuild.Merge(layer, removed, grownPattern, CsrRebuildReference.WeightKey);
        var incoming = IncomingIndex.Build(pattern, layer.Outputs);
        CsrRebuildReference.AssertSame(CsrRebuildReference.Expected(layer, removed, grown, CsrRebuildReference.WeightKey),
            new(pattern.Offsets, pattern.Columns, weights, state[0], incoming.Offsets, incoming.Inputs, incoming.WeightIndex), layer);
    }

    [Fact]
    public void Incoming_index_lists_every_connection_once_sorted_by_input()
    {
        var layer = TestLayers.Random(40, 30, 0.2, seed: 4);
        var incoming = IncomingIndex.Build(layer.Pattern, 30);
        var seen = new bool[layer.Connections];
        for (int j = 0; j < 30; j++)
            for (int s = incoming.Offsets[j]; s < incoming.Offsets[j + 1]; s++)
            {
                int k = incoming.WeightIndex[s], i = incoming.Inputs[s];
                Assert.False(seen[k]);
                seen[k] = true;
                Assert.Equal(j, layer.Pattern.Columns[k]);
                Assert.True(k >= layer.Pattern.Offsets[i] && k < layer.Pattern.Offsets[i + 1]);
                if (s > incoming.Offsets[j]) Assert.True(i > incoming.Inputs[s - 1]);
            }
        Assert.All(seen, Assert.True);
    }
}

/// <summary>
/// <see cref="DeviceRebuild.Run"/> (<see cref="CsrRebuildKernels"/>, <see cref="IncomingIndexKernels"/>) launched
/// directly on each backend from the host's removal mask and regrown positions: the CSR arrays and incoming index of the
/// definition bit for bit (and so of the CPU twins), rows sorted and unique, the connection count unchanged.
/// </summary>
public class CsrRebuildTests(Accelerators accelerators) : IClassFixture<Accelerators>
{
    [BackendTheory(nameof(EvolutionCases.Regrowing), MemberType = typeof(EvolutionCases))]
    public void Rebuilds_the_rows_and_index_of_the_definition(string backend, string name)
    {
        var accelerator = accelerators.Open(backend);
        var (layer, zeta) = EvolutionCases.Case(name);
        var (removed, grown) = CsrRebuildReference.Evolved(layer, zeta);
        var rebuild = new DeviceRebuild(accelerator, new DeviceScan(accelerator));
        using var device = new DeviceLayer(accelerator, layer);
        using var removedD = accelerator.Allocate1D(removed);
        using var survivors = accelerator.Allocate1D(PruningReference.Survivors(layer, removed));
        using var accepted = accelerator.Allocate1D(grown);
        using var scratch = new DeviceScratch(accelerator);
        using var c = rebuild.Run(device, SourceRows.Of(device, removedD), survivors, accepted.View, grown.Length,
                                  CsrRebuildReference.WeightKey, scratch);
        var actual = new CsrRebuildReference.Rebuilt(c.RowOffsets.GetAsArray1D(), c.Columns.GetAsArray1D(), c.Weights.GetAsArray1D(),
            c.Velocity.GetAsArray1D(), c.IncomingOffsets.GetAsArray1D(), c.IncomingInputs.GetAsArray1D(), c.IncomingWeightIndex.GetAsArray1D());
        CsrRebuildReference.AssertSame(CsrRebuildReference.Expected(layer, removed, grown, CsrRebuildReference.WeightKey), actual, layer);
    }
}
