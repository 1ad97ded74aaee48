using System.Globalization;
using SetGpu.Analysis;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Analysis;

/// <summary>
/// The linear assignment solver: hand-made cases with known answers, every permutation of small random problems
/// (exhaustive search), and SciPy's <c>linear_sum_assignment</c> on larger ones (square and rectangular, with ties),
/// whose optimal total cost it must equal within 1e-9.
/// </summary>
public class LinearAssignmentTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Hand_made_square_case_has_its_known_optimum()
    {
        // The textbook case: the diagonal looks cheap, but 1 + 2 + 2 = 5 beats it.
        var cost = new double[,] { { 4, 1, 3 }, { 2, 0, 5 }, { 3, 2, 2 } };
        var assignment = LinearAssignment.Solve(cost);
        Assert.Equal([1, 0, 2], assignment);
        Assert.Equal(5, LinearAssignment.TotalCost(cost, assignment));
    }

    [Fact]
    public void Wide_and_tall_cases_leave_the_right_things_unassigned()
    {
        var wide = new double[,] { { 5, 9, 1, 7 }, { 10, 3, 2, 8 } };
        Assert.Equal([2, 1], LinearAssignment.Solve(wide));

        var tall = new double[,] { { 5, 10 }, { 9, 3 }, { 1, 2 }, { 7, 8 } };
        var assignment = LinearAssignment.Solve(tall);
        Assert.Equal([-1, 1, 0, -1], assignment);
        Assert.Equal(4, LinearAssignment.TotalCost(tall, assignment));
    }

    [Fact]
    public void Negative_costs_all_ties_and_empty_matrices()
    {
        Assert.Equal([1, 0], LinearAssignment.Solve(new double[,] { { -1, -5 }, { -4, 0 } }));
        var ties = LinearAssignment.Solve(new double[,] { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } });
        Assert.Equal([0, 1, 2], ties.Order());
        Assert.Empty(LinearAssignment.Solve(new double[0, 3]));
        Assert.Equal([-1, -1], LinearAssignment.Solve(new double[2, 0]));
    }

    [Fact]
    public void Not_a_number_is_refused_by_position()
    {
        var error = Assert.Throws<ArgumentException>(() => LinearAssignment.Solve(new double[,] { { 1, 2 }, { double.NaN, 0 } }));
        Assert.Contains("cost[1, 0] is NaN", error.Message);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 4)]
    [InlineData(6, 6)]
    [InlineData(3, 7)]
    [InlineData(7, 3)]
    public void Small_random_problems_reach_the_exhaustive_optimum(int rows, int columns)
    {
        var random = new Random(rows * 31 + columns);
        for (int trial = 0; trial < 20; trial++)
        {
            // Few distinct values, so ties are common.
            var cost = Random(random, rows, columns, levels: trial % 2 == 0 ? 4 : 0);
            var assignment = LinearAssignment.Solve(cost);
            CheckShape(assignment, rows, columns);
            Assert.Equal(Exhaustive(cost), LinearAssignment.TotalCost(cost, assignment), 1e-12);
        }
    }

    [SkippableTheory]
    [InlineData(60, 60, 0)]
    [InlineData(80, 80, 5)]
    [InlineData(40, 90, 0)]
    [InlineData(90, 40, 3)]
    [InlineData(300, 300, 0)]
    public void Total_cost_equals_scipys_linear_sum_assignment(int rows, int columns, int levels)
    {
        string python = Requirement.Scipy.Require();
        var random = new Random(rows * 1000 + columns + levels);
        var cost = Random(random, rows, columns, levels);
        string matrix = Path.Combine(_dir.Path, "cost.txt");
        File.WriteAllLines(matrix, Enumerable.Range(0, rows).Select(r =>
            string.Join(' ', Enumerable.Range(0, columns).Select(c => cost[r, c].ToString("R", CultureInfo.InvariantCulture)))));
        var (code, output) = Programs.Run(python, "-c", """
            import sys, numpy as np
            from scipy.optimize import linear_sum_assignment
            c = np.loadtxt(sys.argv[1], ndmin=2)
            r, k = linear_sum_assignment(c)
            print(repr(float(c[r, k].sum())))
            """, matrix);
        Assert.True(code == 0, $"python exited with {code}:\n{output}");
        double expected = double.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);

        var assignment = LinearAssignment.Solve(cost);
        CheckShape(assignment, rows, columns);
        Assert.Equal(expected, LinearAssignment.TotalCost(cost, assignment), 1e-9);
    }

    /// <summary>Uniform costs in [0, 1), or with <paramref name="levels"/> &gt; 0 only that many distinct values.</summary>
    static double[,] Random(Random random, int rows, int columns, int levels)
    {
        var cost = new double[rows, columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                cost[r, c] = levels > 0 ? random.Next(levels) / (double)levels : random.NextDouble();
        return cost;
    }

    /// <summary>Every row assigned a distinct column (or, for the surplus of rows, −1), as many as the smaller side.</summary>
    static void CheckShape(int[] assignment, int rows, int columns)
    {
        Assert.Equal(rows, assignment.Length);
        var used = assignment.Where(c => c >= 0).ToArray();
        Assert.Equal(Math.Min(rows, columns), used.Length);
        Assert.Equal(used.Length, used.Distinct().Count());
        Assert.All(used, c => Assert.InRange(c, 0, columns - 1));
    }

    /// <summary>The least total cost over every injective map of the smaller side into the larger.</summary>
    static double Exhaustive(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        bool tall = rows > columns;
        int small = Math.Min(rows, columns), large = Math.Max(rows, columns);
        double At(int s, int l) => tall ? cost[l, s] : cost[s, l];
        var used = new bool[large];
        double best = double.PositiveInfinity;
        void Search(int s, double sum)
        {
            if (s == small) { best = Math.Min(best, sum); return; }
            for (int l = 0; l < large; l++)
            {
                if (used[l]) continue;
                used[l] = true;
                Search(s + 1, sum + At(s, l));
                used[l] = false;
            }
        }
        Search(0, 0);
        return best;
    }
}
