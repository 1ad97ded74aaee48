using SetGpu.Model;
using SetGpu.Sparse;

namespace SetGpu.Analysis;

/// <summary>
/// Which connections one layer has: <paramref name="Pattern"/>'s rows are the <paramref name="Inputs"/> input neurons,
/// its columns the <paramref name="Outputs"/> output neurons (as in <see cref="SparseLayer"/>).
/// </summary>
public readonly record struct LayerTopology(int Inputs, int Outputs, CsrPattern Pattern)
{
    /// <summary>The topology of <paramref name="layer"/> (its pattern, not a copy).</summary>
    public static LayerTopology Of(SparseLayer layer) => new(layer.Inputs, layer.Outputs, layer.Pattern);

    /// <summary>Every layer of <paramref name="network"/>, input side first.</summary>
    public static LayerTopology[] Of(SparseNetwork network) => network.Layers.Select(Of).ToArray();

    /// <summary>The shape as text, inputs × outputs.</summary>
    public string Shape => $"{Inputs}×{Outputs}";
}
