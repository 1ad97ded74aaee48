using SetGpu.Data;

namespace SetGpu.Cli.Selection;

/// <summary>How <c>select</c> scales the features the selection method trains on (<c>--scaling</c>).</summary>
internal enum FeatureScalingKind
{
    /// <summary>
    /// Zero mean and unit variance per feature with the training split's statistics (scikit-learn's StandardScaler, as
    /// the QuickSelection authors' code scales COIL20, Isolet, Madelon and MNIST); a constant feature becomes 0.
    /// </summary>
    Standard,
    /// <summary>[0, 1] per feature by the training split's range, test values clipped (<see cref="MinMaxScaling"/>).</summary>
    MinMax,
}

/// <summary>Fits a <see cref="FeatureScalingKind"/> on the training split and applies it to both splits.</summary>
internal static class FeatureScaling
{
    /// <summary>The kind <c>--scaling</c> names: standard or minmax.</summary>
    public static FeatureScalingKind Parse(string text) => text switch
    {
        "standard" => FeatureScalingKind.Standard,
        "minmax" => FeatureScalingKind.MinMax,
        _ => throw new ArgumentException($"--scaling: '{text}' is not standard or minmax"),
    };

    /// <summary>The name <c>--scaling</c> gives <paramref name="kind"/>.</summary>
    public static string Name(FeatureScalingKind kind) => kind == FeatureScalingKind.MinMax ? "minmax" : "standard";

    /// <summary>Scaled copies of both splits, the statistics taken from the training split only.</summary>
    public static DatasetSplit Apply(DatasetSplit split, FeatureScalingKind kind) => kind switch
    {
        FeatureScalingKind.MinMax => MinMaxScaling.Apply(split),
        // Per feature even for images (Auto would take one global mean for them): the authors' StandardScaler.
        _ => Standardizer.FitTransform(split, StandardizationMode.PerFeature),
    };

    /// <summary>A few words for the log and the report.</summary>
    public static string Describe(FeatureScalingKind kind) => kind == FeatureScalingKind.MinMax
        ? "min-max scaled to [0, 1] on the training split (test values clipped)"
        : "standardised per feature (zero mean, unit variance) on the training split";
}
