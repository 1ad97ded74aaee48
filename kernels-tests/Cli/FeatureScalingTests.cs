using SetGpu.Cli.Selection;
using SetGpu.Data;

namespace SetGpu.KernelsTests.Cli;

/// <summary>
/// <c>select --scaling</c>: statistics from the training split only, constant features without NaN; the strengths' default,
/// standardised except images whose rare pixels standardise to outliers (one nonzero value among n samples becomes
/// √(n − 1) standard deviations).
/// </summary>
public class FeatureScalingTests
{
    // Feature 0 varies, feature 1 is constant (5) in training, feature 2 is an image-border-like column lit once.
    static readonly Dataset Train = new("train", [1, 5, 0, 3, 5, 0, 5, 5, 0, 7, 5, 4], [0, 1, 0, 1], 3, 2);
    static readonly Dataset Test = new("test", [100, 6, 2, -50, 5, 0], [0, 1], 3, 2);

    [Fact]
    public void Standard_scaling_uses_the_training_split_statistics_only()
    {
        var scaled = FeatureScaling.Apply(new DatasetSplit(Train, Test), FeatureScalingKind.Standard);
        // Feature 0 in training: 1, 3, 5, 7: mean 4, population sd √5.
        float sd = MathF.Sqrt(5);
        Assert.Equal((1 - 4) / sd, scaled.Train.Features[0], 5);
        Assert.Equal((7 - 4) / sd, scaled.Train.Features[9], 5);
        // The test values use the training mean and sd, however far outside the training range they lie.
        Assert.Equal((100 - 4) / sd, scaled.Test.Features[0], 4);
        Assert.Equal((-50 - 4) / sd, scaled.Test.Features[3], 4);
        // Training columns have mean 0 and variance 1 (feature 2: values 0, 0, 0, 4).
        for (int f = 0; f < 3; f += 2)
        {
            var column = Enumerable.Range(0, 4).Select(s => (double)scaled.Train.Features[s * 3 + f]).ToArray();
            Assert.Equal(0, column.Average(), 5);
            Assert.Equal(1, column.Select(v => v * v).Average(), 5);
        }
    }

    [Theory]
    [InlineData("standard")]
    [InlineData("minmax")]
    public void A_constant_training_feature_becomes_zero_not_NaN(string name)
    {
        var kind = FeatureScaling.Parse(name);
        var scaled = FeatureScaling.Apply(new DatasetSplit(Train, Test), kind);
        Assert.All(scaled.Train.Features, v => Assert.True(float.IsFinite(v)));
        Assert.All(scaled.Test.Features, v => Assert.True(float.IsFinite(v)));
        for (int s = 0; s < 4; s++) Assert.Equal(0f, scaled.Train.Features[s * 3 + 1]);
        // In the test split the constant feature keeps its offset from the training value (standard: 6 − 5 = 1 with
        // sd 1) or is clipped (min-max: no range, so 0).
        Assert.Equal(kind == FeatureScalingKind.Standard ? 1f : 0f, scaled.Test.Features[1]);
    }

    [Fact]
    public void Min_max_scaling_clips_the_test_split_to_the_training_range()
    {
        var scaled = FeatureScaling.Apply(new DatasetSplit(Train, Test), FeatureScalingKind.MinMax);
        Assert.Equal(0f, scaled.Train.Features[0]);
        Assert.Equal(1f, scaled.Train.Features[9]);
        Assert.Equal(1f, scaled.Test.Features[0]);   // 100 above the training maximum 7
        Assert.Equal(0f, scaled.Test.Features[3]);   // −50 below the training minimum 1
        Assert.Equal(0.5f, scaled.Test.Features[2]); // 2 of the range 0..4
    }

    [Theory]
    [InlineData("standard", true)]
    [InlineData("minmax", false)]
    public void Names_parse_both_ways(string name, bool standard)
    {
        var kind = standard ? FeatureScalingKind.Standard : FeatureScalingKind.MinMax;
        Assert.Equal(kind, FeatureScaling.Parse(name));
        Assert.Equal(name, FeatureScaling.Name(kind));
        Assert.Equal("--scaling: 'zscore' is not auto, standard or minmax", Assert.Throws<ArgumentException>(() => FeatureScaling.Parse("zscore")).Message);
    }

    /// <summary>4 × 4 images, pixel 0 lit in one sample only, the rest noise in [0, 1).</summary>
    static Dataset OneRarePixel(int samples, bool image)
    {
        const int pixels = 16;
        var rng = new Random(1);
        var x = new float[samples * pixels];
        for (int s = 0; s < samples; s++)
            for (int p = 1; p < pixels; p++) x[s * pixels + p] = rng.NextSingle();
        x[0] = 1f;
        var labels = Enumerable.Range(0, samples).Select(s => s % 2).ToArray();
        return new Dataset("rare", x, labels, pixels, 2, image ? (4, 4) : null);
    }

    [Theory]
    [InlineData(3000)]
    [InlineData(2000)]
    public void A_value_alone_among_n_standardises_to_the_root_of_n_minus_1(int samples) =>
        Assert.Equal(Math.Sqrt(samples - 1), FeatureScaling.LargestStandardisedValue(OneRarePixel(samples, image: true)), 1e-3);

    [Theory]
    [InlineData(3000, true, true)]    // √2999 = 54.8: past the limit
    [InlineData(2000, true, false)]   // √1999 = 44.7: a text set's rare words reach as far
    [InlineData(3000, false, false)]  // not an image: rare features keep their weight
    public void Only_images_with_outliers_are_min_max_scaled(int samples, bool image, bool minMax)
    {
        var (kind, why) = FeatureScaling.ForStrength(OneRarePixel(samples, image));
        Assert.Equal(minMax ? FeatureScalingKind.MinMax : FeatureScalingKind.Standard, kind);
        Assert.Equal(minMax, why is not null);
    }
}
