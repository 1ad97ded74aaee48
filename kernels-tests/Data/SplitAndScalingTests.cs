using SetGpu.Data;

namespace SetGpu.KernelsTests.Data;

public class SplitAndScalingTests
{
    private static Dataset Unbalanced() => SyntheticData.Classification(new SyntheticClassificationOptions
    {
        Features = 10, Informative = 3, Redundant = 2, Classes = 4, ClustersPerClass = 1, ClassCounts = [90, 30, 9, 2],
    }, 5);

    [Fact]
    public void Stratified_KeepsTwoThirdsOfEveryClass()
    {
        var data = Unbalanced();
        var split = DatasetSplits.Stratified(data, 2.0 / 3, 11);
        Assert.Equal([60, 20, 6, 1], split.Train.ClassCounts());
        Assert.Equal([30, 10, 3, 1], split.Test.ClassCounts());
        Assert.Equal(data.FeatureCount, split.Test.FeatureCount);
    }

    [Fact]
    public void Stratified_IsDeterministicDisjointAndComplete()
    {
        var data = Unbalanced();
        var a = DatasetSplits.Stratified(data, 2.0 / 3, 3);
        var b = DatasetSplits.Stratified(data, 2.0 / 3, 3);
        var c = DatasetSplits.Stratified(data, 2.0 / 3, 4);
        Assert.Equal(a.Train.Features, b.Train.Features);
        Assert.Equal(a.Test.Labels, b.Test.Labels);
        Assert.NotEqual(a.Train.Features, c.Train.Features);

        // Every sample lands exactly once (rows are distinct: continuous random features).
        var all = Rows(data).Order().ToArray();
        var parts = Rows(a.Train).Concat(Rows(a.Test)).Order().ToArray();
        Assert.Equal(all, parts);
        // Shuffled, not grouped by class.
        Assert.NotEqual(a.Train.Labels.Order().ToArray(), a.Train.Labels);
    }

    private static IEnumerable<string> Rows(Dataset d) =>
        Enumerable.Range(0, d.Samples).Select(i => string.Join(",", d.Sample(i).ToArray()) + ";" + d.Labels[i]);

    [Fact]
    public void Stratified_RejectsBadFractions()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplits.Stratified(Unbalanced(), 1.0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetSplits.Stratified(Unbalanced(), 0, 1));
    }

    [Fact]
    public void Standardizer_GivesZeroMeanUnitStdOnTrain_AndLeavesInputsAlone()
    {
        var split = DatasetSplits.Stratified(MatDataset.Load(SharedData.PathOf("asu/lung_discrete.mat")), 2.0 / 3, 1);
        var before = split.Train.Features.ToArray();
        var s = Standardizer.Fit(split.Train);
        var train = s.Transform(split.Train);
        var test = s.Transform(split.Test);
        Assert.Equal(before, split.Train.Features);
        Assert.Equal(split.Test.Labels, test.Labels);

        int n = train.Samples, d = train.FeatureCount;
        for (int j = 0; j < d; j++)
        {
            double mean = 0, sq = 0;
            for (int i = 0; i < n; i++) mean += train.Features[i * d + j];
            mean /= n;
            for (int i = 0; i < n; i++) sq += Math.Pow(train.Features[i * d + j] - mean, 2);
            double std = Math.Sqrt(sq / n);
            Assert.InRange(mean, -1e-5, 1e-5);
            if (s.Std[j] != 1f || std > 0) Assert.InRange(std, 1 - 1e-4, 1 + 1e-4);
        }
    }

    [Fact]
    public void Standardizer_MapsConstantFeaturesToZero()
    {
        var data = new Dataset("const", [5, 1, 5, 2, 5, 3, 5, 6], [0, 1, 0, 1], 2, 2);
        var s = Standardizer.Fit(data);
        Assert.Equal(1f, s.Std[0]);
        var t = s.Transform(data);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(0f, t.Features[i * 2]));
        Assert.Throws<ArgumentException>(() => s.Transform(new Dataset("other", [1, 2, 3, 4, 5, 6], [0, 1], 3, 2)));
    }

    [Fact]
    public void Standardizer_Global_UsesOneMeanAndStdForImages_AndAutoPicksIt()
    {
        // A 2x2 "image" whose corner pixel is lit in one sample of 100: per-pixel statistics would turn it into ~10.
        var x = new float[100 * 4];
        for (int i = 0; i < 100; i++) { x[i * 4 + 1] = 0.5f; x[i * 4 + 2] = i % 2; }
        x[7 * 4 + 3] = 1f;
        var data = new Dataset("image", x, Enumerable.Range(0, 100).Select(i => i % 2).ToArray(), 4, 2, (2, 2));

        var global = Standardizer.Fit(data, StandardizationMode.Global);
        Assert.All(global.Mean, m => Assert.Equal(global.Mean[0], m));
        var all = global.Transform(data).Features;
        Assert.Equal(0, all.Average(v => (double)v), 5);
        Assert.Equal(1, Math.Sqrt(all.Average(v => (double)v * v)), 4);
        Assert.True(all.Max() < 3, $"global standardisation keeps the rare pixel moderate, got {all.Max()}");

        var perFeature = Standardizer.Fit(data, StandardizationMode.PerFeature).Transform(data).Features;
        Assert.True(perFeature.Max() > 9, "per-feature standardisation blows the rare pixel up");

        Assert.Equal(global.Std, Standardizer.Fit(data, StandardizationMode.Auto).Std);
        var tabular = new Dataset("table", x, data.Labels, 4, 2);
        Assert.NotEqual(global.Std, Standardizer.Fit(tabular, StandardizationMode.Auto).Std);
    }

    /// <summary>Tabular data of 100 samples whose feature j is mean[j] ± spread[j] (population std exactly spread[j]).</summary>
    static Dataset Spreads(float[] mean, float[] spread)
    {
        int d = mean.Length;
        var x = new float[100 * d];
        for (int i = 0; i < 100; i++)
            for (int j = 0; j < d; j++) x[i * d + j] = mean[j] + spread[j] * (i % 2 == 0 ? 1 : -1);
        return new Dataset("table", x, Enumerable.Range(0, 100).Select(i => i % 2).ToArray(), d, 2);
    }

    [Fact]
    public void Standardizer_SharedScale_CentresEachFeatureAndKeepsTheirRelativeSpreads_AndAutoPicksItWithinOneDecade()
    {
        var data = Spreads([10f, -3f, 100f, 7f], [1f, 2f, 5f, 0f]); // the last feature constant: left out of the ratio
        var (mode, why) = Standardizer.Resolve(data, StandardizationMode.Auto);
        Assert.Equal(StandardizationMode.SharedScale, mode);
        Assert.Contains("2.5 times the median", why); // widest 5 over the median of 1, 2, 5

        var shared = Standardizer.Fit(data, StandardizationMode.Auto);
        float pooled = (float)Math.Sqrt((1 + 4 + 25 + 0) / 4.0);
        Assert.All(shared.Std, s => Assert.Equal(pooled, s, 5));
        Assert.Equal([10f, -3f, 100f, 7f], shared.Mean);
        var x = shared.Transform(data).Features;
        Assert.Equal(1 / pooled, x[0], 5);
        Assert.Equal(5 / pooled, x[2], 5); // the widest feature stays 5 times the first
        Assert.Equal(0f, x[3]);
    }

    [Fact]
    public void Standardizer_Auto_StandardizesEachFeatureWhenOneSpreadsMoreThanTenTimesTheMedian()
    {
        var data = Spreads([0f, 0f, 0f], [1f, 1f, 10.5f]);
        var (mode, why) = Standardizer.Resolve(data, StandardizationMode.Auto);
        Assert.Equal(StandardizationMode.PerFeature, mode);
        Assert.Contains("10.5 times the median", why);
        Assert.Equal([1f, 1f, 10.5f], Standardizer.Fit(data, StandardizationMode.Auto).Std);
        Assert.Equal(StandardizationMode.SharedScale, Standardizer.Resolve(Spreads([0f, 0f, 0f], [1f, 1f, 10f]), StandardizationMode.Auto).Mode);
    }
}
