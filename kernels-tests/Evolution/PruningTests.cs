using SetGpu.Evolution;

namespace SetGpu.KernelsTests.Evolution;

/// <summary>Sign-separated ζ pruning: exact counts, thresholds per sign, ties to the lower index.</summary>
public class PruningTests
{
    static (PruneResult Result, byte[] Removed) Prune(float[] w, double zeta)
    {
        var removed = new byte[w.Length];
        return (Pruning.MarkRemovals(w, zeta, removed), removed);
    }

    [Theory]
    [InlineData(1000, 0.3, 1)]
    [InlineData(997, 0.5, 2)]
    [InlineData(50000, 0.1, 3)]
    [InlineData(10, 0.99, 4)]
    public void Removes_exactly_the_fraction_closest_to_zero_of_each_sign(int n, double zeta, int seed)
    {
        var rng = new System.Random(seed);
        var w = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * (rng.Next(4) == 0 ? 1e-3f : 1f)).ToArray();
        var (result, removed) = Prune(w, zeta);

        int negatives = w.Count(Pruning.IsNegative), positives = n - negatives;
        Assert.Equal((long)Math.Floor(zeta * negatives), result.RemovedNegatives);
        Assert.Equal((long)Math.Floor(zeta * positives), result.RemovedPositives);
        Assert.Equal(result.Removed, removed.Count(r => r != 0));

        foreach (bool negative in new[] { true, false })
        {
            var side = Enumerable.Range(0, n).Where(k => Pruning.IsNegative(w[k]) == negative).ToArray();
            var gone = side.Where(k => removed[k] != 0).Select(k => Math.Abs(w[k])).DefaultIfEmpty(0f).Max();
            var kept = side.Where(k => removed[k] == 0).Select(k => Math.Abs(w[k])).DefaultIfEmpty(float.MaxValue).Min();
            Assert.True(gone <= kept, $"{(negative ? "negative" : "positive")} side: removed |w| up to {gone} but kept {kept}");
        }
    }

    [Fact]
    public void All_one_sign_removes_only_from_that_sign()
    {
        var w = Enumerable.Range(1, 100).Select(i => i * 0.01f).ToArray();
        var (result, removed) = Prune(w, 0.3);
        Assert.Equal(0, result.RemovedNegatives);
        Assert.Equal(30, result.RemovedPositives);
        Assert.All(Enumerable.Range(0, 100), k => Assert.Equal(k < 30 ? 1 : 0, removed[k]));

        var negative = w.Select(x => -x).ToArray();
        (result, removed) = Prune(negative, 0.3);
        Assert.Equal(30, result.RemovedNegatives);
        Assert.All(Enumerable.Range(0, 100), k => Assert.Equal(k < 30 ? 1 : 0, removed[k]));
    }

    [Fact]
    public void Ties_at_the_threshold_go_to_the_lowest_indices()
    {
        // 10 positives all equal: ζ = 0.35 removes floor(3.5) = 3, the first three.
        var w = Enumerable.Repeat(0.5f, 10).Concat([-0.25f, -0.25f, -0.25f, -0.25f]).ToArray();
        var (result, removed) = Prune(w, 0.35);
        Assert.Equal(3, result.RemovedPositives);
        Assert.Equal(1, result.RemovedNegatives);
        Assert.Equal(new byte[] { 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 }, removed);
        Assert.Equal(0.5f, result.PositiveThreshold);
        Assert.Equal(0.25f, result.NegativeThreshold);
    }

    [Fact]
    public void Zeta_zero_removes_nothing_and_zeros_count_by_sign_bit()
    {
        var w = new[] { 0f, -0f, 1f, -1f };
        var (result, removed) = Prune(w, 0);
        Assert.Equal(0, result.Removed);
        Assert.All(removed, r => Assert.Equal(0, r));
        (result, removed) = Prune(w, 0.5);
        Assert.Equal(new byte[] { 1, 1, 0, 0 }, removed); // +0 is the smallest positive, −0 the smallest negative
    }

    [Fact]
    public void Radix_select_agrees_with_sorting()
    {
        var rng = new System.Random(9);
        var w = Enumerable.Range(0, 5000).Select(_ => (float)(rng.NextDouble() - 0.5) * MathF.Pow(10, rng.Next(-6, 3))).ToArray();
        var positives = w.Where(x => !Pruning.IsNegative(x)).Select(Pruning.MagnitudeKey).Order().ToArray();
        foreach (int k in new[] { 1, 2, 17, positives.Length / 2, positives.Length })
        {
            var (threshold, below) = Pruning.SelectKth(w, negative: false, k);
            Assert.Equal(positives[k - 1], threshold);
            Assert.Equal(positives.Count(p => p < threshold), below);
        }
    }

    [Fact]
    public void Ties_spread_over_parallel_chunks_go_to_the_lowest_indices()
    {
        // 1.3 M weights (five chunks of the parallel passes) from only 40 distinct magnitudes: every threshold is a tie.
        var rng = new System.Random(5);
        var w = Enumerable.Range(0, 1_300_000).Select(_ => (rng.Next(2) == 0 ? -1f : 1f) * (1 + rng.Next(20)) / 64f).ToArray();
        var (result, removed) = Prune(w, 0.3);

        foreach (bool negative in new[] { true, false })
        {
            // The reference: this sign's indices ordered by (magnitude key, index); the first floor(ζ·n) go.
            var side = Enumerable.Range(0, w.Length).Where(k => Pruning.IsNegative(w[k]) == negative)
                                 .OrderBy(k => Pruning.MagnitudeKey(w[k])).ThenBy(k => k).ToArray();
            long expected = (long)Math.Floor(0.3 * side.Length);
            Assert.Equal(expected, negative ? result.RemovedNegatives : result.RemovedPositives);
            for (int r = 0; r < side.Length; r++)
                if ((removed[side[r]] != 0) != (r < expected))
                    Assert.Fail($"{(negative ? "negative" : "positive")} rank {r} (index {side[r]}): removed = {removed[side[r]]}");
        }
    }
}
