namespace SetGpu.Data;

/// <summary>Which statistics a <see cref="Standardizer"/> fits.</summary>
public enum StandardizationMode
{
    /// <summary>
    /// Global for image datasets; for other data <see cref="SharedScale"/> when the features' spreads lie within
    /// <see cref="Standardizer.OneScaleRatio"/> of each other, per feature otherwise (<see cref="Standardizer.Resolve"/>).
    /// </summary>
    Auto,
    /// <summary>A mean and standard deviation per feature (tabular data).</summary>
    PerFeature,
    /// <summary>
    /// One mean and standard deviation over all features (images, as torchvision's Normalize): per-pixel statistics
    /// would blow a border pixel that is lit in a handful of samples up to values in the hundreds.
    /// </summary>
    Global,
    /// <summary>
    /// A mean per feature and one standard deviation for all (the root of the mean variance): features of one kind
    /// keep their relative spreads, which can be the signal (Madelon's informative features are its widest).
    /// </summary>
    SharedScale,
}

/// <summary>
/// Standardisation, (x − mean) / std, with statistics fitted on a training set only so that nothing about the test
/// set leaks into training. Constant features (std 0) get std 1, so they become 0 rather than NaN.
/// </summary>
public sealed class Standardizer
{
    private readonly float[] _mean, _std;

    private Standardizer(float[] mean, float[] std)
    {
        _mean = mean;
        _std = std;
    }

    /// <summary>Mean of every feature over the fitting set.</summary>
    public IReadOnlyList<float> Mean => _mean;
    /// <summary>Population standard deviation of every feature (1 where the feature is constant).</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>
    /// A standardizer with known statistics (those of <see cref="Mean"/> and <see cref="Std"/> of a fitted one, as a
    /// checkpoint keeps them), so that new data can be scaled exactly as the training data were.
    /// </summary>
    public static Standardizer FromStatistics(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count != std.Count)
            throw new ArgumentException($"standardizer: {mean.Count} means but {std.Count} standard deviations");
        for (int j = 0; j < mean.Count; j++)
            if (!float.IsFinite(mean[j]) || !float.IsFinite(std[j]) || !(std[j] > 0))
                throw new ArgumentException($"standardizer: feature {j} has mean {mean[j]} and std {std[j]}; both must be finite and the std positive");
        return new Standardizer(mean.ToArray(), std.ToArray());
    }

    /// <summary>
    /// <see cref="StandardizationMode.Auto"/> takes <see cref="StandardizationMode.SharedScale"/> for non-image data whose
    /// widest feature spreads at most this many times the median feature (constant ones left out): features of one kind,
    /// whose relative spreads may be the signal. Measured on the shared sets: gene expression 1.1–3.2, Isolet 2.3,
    /// Madelon 5.8, Arcene 7.6, against 27–42 for the word counts of PCMAC, BASEHOCK and RELATHE, whose common words
    /// would dwarf the rest under one scale (a linear output diverges there). docs/results.md#defaults.
    /// </summary>
    public const double OneScaleRatio = 10;

    /// <summary>
    /// The statistics <paramref name="mode"/> means for <paramref name="train"/> (<see cref="StandardizationMode.Auto"/>
    /// resolved; any other mode is itself) and why, in words.
    /// </summary>
    public static (StandardizationMode Mode, string Why) Resolve(Dataset train, StandardizationMode mode)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (mode != StandardizationMode.Auto) return (mode, "as asked");
        if (train.ImageShape is not null) return (StandardizationMode.Global, "images: one mean and spread for every pixel");
        var (_, sq) = Moments(train);
        var spreads = sq.Where(v => v > 0).Select(v => Math.Sqrt(v / train.Samples)).Order().ToArray();
        if (spreads.Length == 0) return (StandardizationMode.PerFeature, "every feature is constant");
        double ratio = spreads[^1] / spreads[spreads.Length / 2];
        return ratio <= OneScaleRatio
            ? (StandardizationMode.SharedScale, $"the widest feature spreads {ratio:G3} times the median one (at most {OneScaleRatio:G}): one scale keeps their relative spreads")
            : (StandardizationMode.PerFeature, $"the widest feature spreads {ratio:G3} times the median one (more than {OneScaleRatio:G}): each feature on its own scale");
    }

    /// <summary>Per feature: the mean and the sum of squared deviations from it, in double precision.</summary>
    static (double[] Mean, double[] SquaredDeviations) Moments(Dataset train)
    {
        int d = train.FeatureCount, n = train.Samples;
        var sum = new double[d];
        var x = train.Features;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) sum[j] += x[(long)i * d + j];
        var mean = new double[d];
        for (int j = 0; j < d; j++) mean[j] = sum[j] / n;
        var sq = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                double dev = x[(long)i * d + j] - mean[j];
                sq[j] += dev * dev;
            }
        return (mean, sq);
    }

    /// <summary>Computes mean and population standard deviation (in double precision), per feature, globally or per feature with one shared scale.</summary>
    public static Standardizer Fit(Dataset train, StandardizationMode mode = StandardizationMode.PerFeature)
    {
        ArgumentNullException.ThrowIfNull(train);
        mode = Resolve(train, mode).Mode;
        if (mode == StandardizationMode.Global) return FitGlobal(train);
        int d = train.FeatureCount, n = train.Samples;
        var (mean, sq) = Moments(train);
        var m = new float[d];
        var s = new float[d];
        double pooled = Math.Sqrt(sq.Sum() / ((double)n * d));
        for (int j = 0; j < d; j++)
        {
            double std = mode == StandardizationMode.SharedScale ? pooled : Math.Sqrt(sq[j] / n);
            m[j] = (float)mean[j];
            // n equal float32 values sum exactly in double, so a constant column's mean is its value and its spread
            // exactly 0; anything else is a real (if small) spread.
            s[j] = std == 0 ? 1f : (float)std;
        }
        return new Standardizer(m, s);
    }

    static Standardizer FitGlobal(Dataset train)
    {
        double sum = 0, sq = 0;
        foreach (float v in train.Features) sum += v;
        double mean = sum / train.Features.LongLength;
        foreach (float v in train.Features) sq += (v - mean) * (v - mean);
        double std = Math.Sqrt(sq / train.Features.LongLength);
        return new Standardizer(Enumerable.Repeat((float)mean, train.FeatureCount).ToArray(),
                                Enumerable.Repeat(std == 0 ? 1f : (float)std, train.FeatureCount).ToArray());
    }

    /// <summary>A new, standardised copy of <paramref name="data"/>; the input is left unchanged.</summary>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int d = data.FeatureCount;
        if (d != _mean.Length)
            throw new ArgumentException($"{data.Name} has {d} features, the standardizer was fitted on {_mean.Length}", nameof(data));
        var src = data.Features;
        var dst = new float[src.LongLength];
        var inv = new float[d];
        for (int j = 0; j < d; j++) inv[j] = 1f / _std[j];
        for (long i = 0; i < src.LongLength; i += d)
            for (int j = 0; j < d; j++) dst[i + j] = (src[i + j] - _mean[j]) * inv[j];
        return new Dataset(data.Name, dst, data.Labels, d, data.Classes, data.ImageShape, data.PixelOrder);
    }

    /// <summary>Fits on <paramref name="split"/>.Train and returns standardised copies of both parts.</summary>
    public static DatasetSplit FitTransform(DatasetSplit split, StandardizationMode mode = StandardizationMode.PerFeature)
    {
        ArgumentNullException.ThrowIfNull(split);
        var s = Fit(split.Train, mode);
        return new DatasetSplit(s.Transform(split.Train), s.Transform(split.Test));
    }
}
