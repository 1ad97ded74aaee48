using SetGpu.Evolution;
using SetGpu.Rng;
using SetGpu.Sparse;

namespace SetGpu.KernelsTests.Evolution;

/// <summary>Random regrowth at empty positions: exact count, disjointness, determinism, uniformity, 64-bit positions.</summary>
public class RegrowthTests
{
    static ulong Key(int n) => CounterRng.Key(1234, RngStream.Regrowth, 0, n);

    [Theory]
    [InlineData(100, 80, 500)]     // sparse mode
    [InlineData(30, 20, 400)]      // dense mode (2/3 of the layer)
    [InlineData(10, 10, 100)]      // every position
    [InlineData(1, 5000, 1000)]    // one row
    [InlineData(5000, 1, 1000)]    // one column
    public void Selects_exactly_count_distinct_positions(int rows, int columns, int count)
    {
        var pattern = Regrowth.SelectEmpty(rows, columns, Occupancy.None(rows), count, Key(1));
        pattern.Validate(columns);
        Assert.Equal(count, pattern.Count);
        Assert.Equal(pattern, Regrowth.SelectEmpty(rows, columns, Occupancy.None(rows), count, Key(1)), PatternComparer.Instance);
        if (count < (long)rows * columns) // another key, another draw
            Assert.NotEqual(pattern, Regrowth.SelectEmpty(rows, columns, Occupancy.None(rows), count, Key(2)), PatternComparer.Instance);
    }

    [Theory]
    [InlineData(200, 150, 3000, 900)]  // sparse: 10% taken
    [InlineData(40, 40, 1000, 500)]    // dense mode: 94% full afterwards
    [InlineData(40, 40, 1000, 600)]    // fills the layer exactly
    public void Never_picks_a_taken_position(int rows, int columns, int taken, int count)
    {
        var occupied = Regrowth.SelectEmpty(rows, columns, Occupancy.None(rows), taken, Key(3));
        var grown = Regrowth.SelectEmpty(rows, columns, new Occupancy(occupied, null, taken), count, Key(4));
        grown.Validate(columns);
        Assert.Equal(count, grown.Count);
        for (int r = 0; r < rows; r++)
            for (int k = grown.Offsets[r]; k < grown.Offsets[r + 1]; k++)
                Assert.False(occupied.Contains(r, grown.Columns[k]), $"({r}, {grown.Columns[k]}) was taken");
    }

    [Fact]
    public void Removed_positions_are_empty_again()
    {
        var occupied = Regrowth.SelectEmpty(10, 10, Occupancy.None(10), 90, Key(5));
        var removed = new byte[90];
        for (int k = 0; k < 90; k += 3) removed[k] = 1; // 30 removed: 40 empty now
        var grown = Regrowth.SelectEmpty(10, 10, new Occupancy(occupied, removed, 60), 40, Key(6));
        Assert.Equal(40, grown.Count);
        var all = Regrowth.Merge(grown, Regrowth.FromSortedPositions(10, 10,
            Enumerable.Range(0, 10).SelectMany(r => Enumerable.Range(occupied.Offsets[r], occupied.Offsets[r + 1] - occupied.Offsets[r])
                .Where(k => removed[k] == 0).Select(k => (long)r * 10 + occupied.Columns[k])).ToArray()));
        all.Validate(10);
        Assert.Equal(100, all.Count);
    }

    [Fact]
    public void Too_many_for_the_empty_positions_is_refused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Regrowth.SelectEmpty(4, 4, Occupancy.None(4), 17, Key(7)));
        Assert.Contains("16 of 16 positions are empty", ex.Message);
    }

    [Fact]
    public void Positions_beyond_32_bits_are_reached()
    {
        // 200,000 × 100,000 = 2·10^10 positions: linear positions overflow 32 bits past row 42,949.
        var pattern = Regrowth.SelectEmpty(200_000, 100_000, Occupancy.None(200_000), 20_000, Key(8));
        pattern.Validate(100_000);
        Assert.Equal(20_000, pattern.Count);
        int rowsAbove = Enumerable.Range(42_950, 200_000 - 42_950).Count(r => pattern.Offsets[r + 1] > pattern.Offsets[r]);
        Assert.InRange(rowsAbove, 14_000, 17_000); // about 78.5% of the picks
    }

    [Theory]
    [InlineData(20, 20, 40)]  // sparse mode
    [InlineData(8, 8, 40)]    // dense mode
    public void Every_position_is_equally_likely(int rows, int columns, int count)
    {
        const int trials = 4000;
        var hits = new int[rows * columns];
        for (int t = 0; t < trials; t++)
        {
            var p = Regrowth.SelectEmpty(rows, columns, Occupancy.None(rows), count, Key(100 + t));
            for (int r = 0; r < rows; r++)
                for (int k = p.Offsets[r]; k < p.Offsets[r + 1]; k++) hits[r * columns + p.Columns[k]]++;
        }
        double expected = trials * count / (double)hits.Length;
        double sigma = Math.Sqrt(expected * (1 - count / (double)hits.Length));
        Assert.All(hits, h => Assert.InRange(h, expected - 5 * sigma, expected + 5 * sigma));
        double chi2 = hits.Sum(h => (h - expected) * (h - expected) / (sigma * sigma));
        Assert.InRange(chi2 / (hits.Length - 1), 0.7, 1.3); // a fair draw without replacement gives about 1
    }

    sealed class PatternComparer : IEqualityComparer<CsrPattern>
    {
        public static readonly PatternComparer Instance = new();
        public bool Equals(CsrPattern a, CsrPattern b) => a.Offsets.SequenceEqual(b.Offsets) && a.Columns.SequenceEqual(b.Columns);
        public int GetHashCode(CsrPattern p) => p.Count;
    }
}
