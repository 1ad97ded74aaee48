using SetGpu.KernelsTests.Support;
using SetGpu.Model;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// The layers the evolution families (prune, regrowth, CSR rebuild) are checked on, by name: sparse and dense-mode
/// regrowth, one row, one column, one sign, many ties, ζ at both ends.
/// </summary>
internal static class EvolutionCases
{
    public static TheoryData<string> Names => new()
    {
        "300x200 sparse", "1000x5 few columns", "5x1000 few rows", "50x40 dense mode", "30x20 full", "12x9 tiny",
        "64x64 near the dense boundary", "1x3000 one row", "3000x1 one column", "all positive", "all negative",
        "many ties", "zeta 0", "zeta 1", "1x1",
    };

    /// <summary>
    /// The cases whose pruning removes connections: only those reach the regrowth and CSR rebuild stages on a device (a
    /// step that removes nothing stops after pruning), so only those test the device stages.
    /// </summary>
    public static TheoryData<string> Regrowing =>
    [
        .. ((IEnumerable<object[]>)Names).Select(row => (string)row[0])
            .Where(name => Case(name) is var (layer, zeta) && RegrowthReference.Pruned(layer, zeta).Count > 0),
    ];

    /// <summary>The layer and ζ of case <paramref name="name"/>.</summary>
    public static (SparseLayer Layer, double Zeta) Case(string name)
    {
        switch (name)
        {
            case "300x200 sparse": return (TestLayers.Random(300, 200, 0.05, seed: 1), 0.3);
            case "1000x5 few columns": return (TestLayers.Random(1000, 5, 0.2, seed: 2), 0.5);
            case "5x1000 few rows": return (TestLayers.Random(5, 1000, 0.2, seed: 3), 0.3);
            case "50x40 dense mode": return (TestLayers.Random(50, 40, 0.9, seed: 4), 0.3);
            case "30x20 full": return (TestLayers.Random(30, 20, 1.0, seed: 5), 0.3);
            case "12x9 tiny": return (TestLayers.Random(12, 9, 0.1, seed: 6), 0.5);
            case "64x64 near the dense boundary": return (TestLayers.Random(64, 64, 0.2, seed: 7), 0.3);
            case "1x3000 one row": return (TestLayers.Random(1, 3000, 0.1, seed: 8), 0.5);
            case "3000x1 one column": return (TestLayers.Random(3000, 1, 0.1, seed: 9), 0.5);
            case "all positive": return (Signed(TestLayers.Random(200, 120, 0.06, seed: 10), negative: false), 0.3);
            case "all negative": return (Signed(TestLayers.Random(200, 120, 0.06, seed: 11), negative: true), 0.3);
            case "many ties": return (Quantized(TestLayers.Random(250, 160, 0.08, seed: 12), levels: 4), 0.55);
            case "zeta 0": return (TestLayers.Random(100, 100, 0.1, seed: 13), 0.0);
            case "zeta 1": return (TestLayers.Random(40, 30, 0.2, seed: 14), 1.0);
            case "1x1": return (TestLayers.Random(1, 1, 1.0, seed: 15), 1.0);
            default: throw new ArgumentException($"no evolution case '{name}'", nameof(name));
        }
    }

    static SparseLayer Signed(SparseLayer layer, bool negative)
    {
        for (int k = 0; k < layer.Weights.Length; k++) layer.Weights[k] = negative ? -MathF.Abs(layer.Weights[k]) : MathF.Abs(layer.Weights[k]);
        return layer;
    }

    /// <summary>Weights rounded to 1/levels (nine values for 4), with signed zeros on both sides: huge tie groups.</summary>
    static SparseLayer Quantized(SparseLayer layer, float levels)
    {
        for (int k = 0; k < layer.Weights.Length; k++)
        {
            float q = MathF.Round(layer.Weights[k] * levels) / levels;
            layer.Weights[k] = q == 0f ? (k % 2 == 0 ? -0f : 0f) : q;
        }
        return layer;
    }
}
