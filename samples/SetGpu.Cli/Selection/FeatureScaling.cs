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
        _ => throw new ArgumentException($"--scaling: '{text}' is not auto, standard or minmax"),
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

    /// <summary>
    /// Standardised values beyond this are outliers only a feature rare in thousands of samples reaches: one nonzero value
    /// among n samples standardises to √(n − 1), so no set of fewer than 2,500 samples gets there (the text sets stop at
    /// 45), while MNIST's border pixels, lit in a handful of its 60,000 images, reach 245.
    /// </summary>
    public const double OutlierLimit = 50;

    /// <summary>
    /// What QuickSelection and mlp-strength train on when <c>--scaling</c> is not given: standardised, the authors' way,
    /// except images whose per-pixel standardisation has outliers beyond <see cref="OutlierLimit"/>, which are min-max
    /// scaled as the published pipeline scales MNIST. A strength follows those outliers: standardised, QuickSelection's
    /// top 50 MNIST pixels lie on the border and score at chance (docs/feature-selection.md#scaling-images). Text sets
    /// keep standardisation, where their rare words are what tells the classes apart.
    /// </summary>
    public static (FeatureScalingKind Kind, string? Why) ForStrength(Dataset train)
    {
        if (train.ImageShape is null) return (FeatureScalingKind.Standard, null);
        double largest = LargestStandardisedValue(train);
        return largest > OutlierLimit
            ? (FeatureScalingKind.MinMax, $"standardised per pixel, rare pixels would reach {largest:0.#} standard deviations; --scaling standard trains on them anyway")
            : (FeatureScalingKind.Standard, null);
    }

    /// <summary>The largest |x − mean| / std over every value of <paramref name="train"/>, each feature by its own statistics.</summary>
    public static double LargestStandardisedValue(Dataset train)
    {
        var scaler = Standardizer.Fit(train, StandardizationMode.PerFeature);
        float[] mean = [.. scaler.Mean], std = [.. scaler.Std];
        int d = train.FeatureCount;
        double largest = 0;
        for (int s = 0; s < train.Samples; s++)
        {
            var x = train.Sample(s);
            for (int f = 0; f < d; f++) largest = Math.Max(largest, Math.Abs(x[f] - mean[f]) / std[f]);
        }
        return largest;
    }

    /// <summary>A few words for the log and the report.</summary>
    public static string Describe(FeatureScalingKind kind) => kind == FeatureScalingKind.MinMax
        ? "min-max scaled to [0, 1] on the training split, test values clipped"
        : "standardised per feature (zero mean, unit variance) on the training split";
}
