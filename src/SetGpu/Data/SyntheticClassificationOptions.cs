namespace SetGpu.Data;

/// <summary>
/// Settings of <see cref="SyntheticData.Classification"/>, named after scikit-learn's <c>make_classification</c>.
/// Features beyond <see cref="Informative"/> + <see cref="Redundant"/> are pure noise.
/// </summary>
public sealed record SyntheticClassificationOptions
{
    /// <summary>Number of samples (ignored when <see cref="ClassCounts"/> is set).</summary>
    public int Samples { get; init; } = 1000;
    /// <summary>Total features.</summary>
    public int Features { get; init; } = 20;
    /// <summary>Features carrying the class structure (the hypercube's dimensions).</summary>
    public int Informative { get; init; } = 2;
    /// <summary>Random linear combinations of the informative features.</summary>
    public int Redundant { get; init; } = 2;
    /// <summary>Number of classes.</summary>
    public int Classes { get; init; } = 2;
    /// <summary>Gaussian clusters per class, each centred on its own hypercube vertex.</summary>
    public int ClustersPerClass { get; init; } = 2;
    /// <summary>Half the hypercube's side: vertices sit at ±ClassSeparation.</summary>
    public double ClassSeparation { get; init; } = 1.0;
    /// <summary>Fraction of samples whose label is replaced by a random class (scikit-learn's flip_y).</summary>
    public double LabelNoise { get; init; }
    /// <summary>Exact samples per class; overrides <see cref="Samples"/> (its length must equal <see cref="Classes"/>).</summary>
    public IReadOnlyList<int>? ClassCounts { get; init; }
    /// <summary>Shuffle samples and feature order.</summary>
    public bool Shuffle { get; init; } = true;
    /// <summary>Dataset name.</summary>
    public string Name { get; init; } = "synthetic";
}
