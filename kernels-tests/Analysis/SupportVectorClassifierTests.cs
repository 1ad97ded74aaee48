using SetGpu.Analysis;

namespace SetGpu.KernelsTests.Analysis;

/// <summary>
/// The RBF-kernel SVM without a reference program: two- and four-point problems whose dual solution is known in closed
/// form, XOR, the optimality conditions at the end of the solver, and the kernel-row cache's size not changing the answer.
/// </summary>
public class SupportVectorClassifierTests
{
    [Theory]
    [InlineData(1.0, 0.5)]
    [InlineData(2.0, 0.25)]
    public void Two_points_have_the_closed_form_solution(double distance, double gamma)
    {
        // Q = [[1, −k], [−k, 1]], k = exp(−γd²): by symmetry α₁ = α₂ = α, ½α²(2 − 2k) − 2α is least at α = 1/(1 − k),
        // ρ = 0, and the decision values at the two points are exactly ±1 (the margin).
        double k = Math.Exp(-gamma * distance * distance);
        var svm = SupportVectorClassifier.Fit([0f, (float)distance], 2, 1, [7, 3], new SvmSettings { Gamma = gamma, C = 100 });
        Assert.Equal([3, 7], svm.Classes);
        Assert.Equal(2, svm.SupportVectorCount);
        Assert.Equal(-1 / (1 - k), svm.Objectives[0], 5);
        var values = svm.DecisionValues([0f, (float)distance, (float)(distance / 2)], 3);
        // Class 3 (the second point) is the pair's first class: positive at x = d.
        Assert.Equal(-1, values[0], 5);
        Assert.Equal(1, values[1], 5);
        Assert.Equal(0, values[2], 5); // the midpoint is on the boundary
        Assert.Equal([7, 3], svm.Predict([0f, (float)distance], 2));
    }

    [Fact]
    public void Two_points_with_a_small_c_sit_on_the_bound()
    {
        // With C below 1/(1 − k) both multipliers stop at C: decision values ±C(1 − k), ρ = 0 halfway.
        double gamma = 1, k = Math.Exp(-1.0);
        var svm = SupportVectorClassifier.Fit([0f, 1f], 2, 1, [0, 1], new SvmSettings { Gamma = gamma, C = 0.5 });
        var values = svm.DecisionValues([0f, 1f], 2);
        Assert.Equal(0.5 * (1 - k), values[0], 6);
        Assert.Equal(-0.5 * (1 - k), values[1], 6);
        Assert.Equal(0.5 * 0.5 * 0.5 * (2 - 2 * k) - 2 * 0.5, svm.Objectives[0], 6);
    }

    [Fact]
    public void Four_xor_points_have_the_closed_form_solution()
    {
        // Class 0 at (1, 1) and (−1, −1), class 1 at (1, −1) and (−1, 1): every α equal by symmetry, ∇ = 0 gives
        // α = 1/(1 + k₈ − 2k₄), kₐ = exp(−γa) for squared distance a; decision values ±1 at the points, 0 on the axes.
        double gamma = 0.3, k4 = Math.Exp(-4 * gamma), k8 = Math.Exp(-8 * gamma);
        double alpha = 1 / (1 + k8 - 2 * k4);
        float[] x = [1, 1, -1, -1, 1, -1, -1, 1];
        var svm = SupportVectorClassifier.Fit(x, 4, 2, [0, 0, 1, 1], new SvmSettings { Gamma = gamma, C = 1000 });
        Assert.Equal(4, svm.SupportVectorCount);
        // ½αᵀQα − eᵀα = ½·4α − 4α at the optimum, where Qα = e; the solver stops within its tolerance 10⁻³ of it.
        Assert.Equal(-2 * alpha, svm.Objectives[0], 1e-6);
        var values = svm.DecisionValues([.. x, 0, 1, 1, 0], 6);
        double[] expected = [1, 1, -1, -1, 0, 0];
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], values[i], 1e-3);
        Assert.Equal([0, 0, 1, 1], svm.Predict(x, 4));
    }

    [Fact]
    public void Noisy_xor_is_learnt()
    {
        var (x, y) = Xor(400, seed: 1);
        var (testX, testY) = Xor(400, seed: 2);
        var svm = SupportVectorClassifier.Fit(x, 400, 2, y, new SvmSettings());
        double accuracy = svm.Predict(testX, 400).Zip(testY).Count(p => p.First == p.Second) / 400.0;
        Assert.True(accuracy > 0.95, $"accuracy {accuracy}");
    }

    /// <summary>Four clusters at (±1, ±1) with spread 0.3; the label is whether the signs differ.</summary>
    internal static (float[] X, int[] Y) Xor(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[2 * n];
        var y = new int[n];
        for (int s = 0; s < n; s++)
        {
            int a = rng.Next(2), b = rng.Next(2);
            x[2 * s] = (a * 2 - 1) + 0.3f * Gaussian(rng);
            x[2 * s + 1] = (b * 2 - 1) + 0.3f * Gaussian(rng);
            y[s] = a ^ b;
        }
        return (x, y);
    }

    static float Gaussian(Random rng) => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    [Theory]
    [InlineData(1.0)]
    [InlineData(10.0)]
    public void The_solution_meets_the_optimality_conditions_within_the_tolerance(double c)
    {
        // Overlapping classes, so that some multipliers are free, some at 0 and some at C.
        var (x, y) = Blobs(300, 6, separation: 0.8f, seed: 3);
        var labels = y.Select(v => v == 0 ? (sbyte)1 : (sbyte)-1).ToArray();
        var kernel = new RbfKernel(x, 300, 6, gamma: 1.0 / 6, threads: 1);
        var solution = SmoSolver.Solve(new KernelRowCache(kernel, 1L << 30), labels, c, 1e-3);
        Assert.False(solution.ReachedIterationLimit);
        var row = new float[300];
        int free = 0, atC = 0, atZero = 0;
        double sum = 0;
        for (int t = 0; t < 300; t++) sum += labels[t] * solution.Alpha[t];
        Assert.Equal(0, sum, 9); // yᵀα = 0
        for (int t = 0; t < 300; t++)
        {
            kernel.Row(t, row);
            double f = -solution.Rho;
            for (int s = 0; s < 300; s++) f += labels[s] * solution.Alpha[s] * row[s];
            double margin = labels[t] * f, a = solution.Alpha[t];
            Assert.InRange(a, 0, c);
            // KKT: α = 0 → y f ≥ 1; α = C → y f ≤ 1; free → y f = 1; each within the stopping tolerance.
            if (a == 0) { atZero++; Assert.True(margin >= 1 - 1e-3, $"α = 0 at {t} with y f = {margin}"); }
            else if (a == c) { atC++; Assert.True(margin <= 1 + 1e-3, $"α = C at {t} with y f = {margin}"); }
            else { free++; Assert.True(Math.Abs(margin - 1) <= 1e-3, $"free α at {t} with y f = {margin}"); }
        }
        Assert.True(free > 0 && atZero > 0 && atC > 0, $"free {free}, at 0 {atZero}, at C {atC}");
    }

    [Fact]
    public void A_cache_of_two_rows_gives_the_same_solution_as_a_full_one()
    {
        var (x, y) = Blobs(200, 5, separation: 1f, seed: 4);
        var full = SupportVectorClassifier.Fit(x, 200, 5, y, new SvmSettings());
        var tiny = SupportVectorClassifier.Fit(x, 200, 5, y, new SvmSettings { CacheBytes = 1 });
        Assert.Equal(full.Objectives, tiny.Objectives);
        Assert.Equal(full.DecisionValues(x, 200), tiny.DecisionValues(x, 200));

        var kernel = new RbfKernel(x, 200, 5, 0.2, threads: 1);
        var cache = new KernelRowCache(kernel, 3 * 200 * 4);
        Assert.Equal(3, cache.Capacity);
        var expected = new float[200];
        foreach (int i in new[] { 0, 1, 2, 0, 3, 1, 4, 0, 0 })
        {
            kernel.Row(i, expected);
            Assert.Equal(expected, cache.Row(i));
        }
        Assert.Equal(7, cache.Computed); // misses: 0 1 2, 3 (evicts 1), 1 (evicts 2), 4 (evicts 0), 0 (evicts 3); hits: 0, 0
    }

    [Fact]
    public void Threaded_kernel_rows_equal_single_threaded_ones()
    {
        var (x, _) = Blobs(3000, 40, separation: 1f, seed: 5);
        var one = new float[3000];
        var many = new float[3000];
        new RbfKernel(x, 3000, 40, 0.025, threads: 1).Row(17, one);
        new RbfKernel(x, 3000, 40, 0.025, threads: 4).Row(17, many);
        Assert.Equal(one, many);
    }

    [Fact]
    public void One_class_predicts_that_class_and_bad_input_is_named()
    {
        var svm = SupportVectorClassifier.Fit([0f, 1f, 2f], 3, 1, [5, 5, 5], new SvmSettings());
        Assert.Equal([5, 5], svm.Predict([3f, -1f], 2));
        Assert.Contains("not finite", Assert.Throws<ArgumentException>(() => SupportVectorClassifier.Fit([0f, float.NaN], 2, 1, [0, 1], new SvmSettings())).Message);
        Assert.Contains("3 labels for 2 samples", Assert.Throws<ArgumentException>(() => SupportVectorClassifier.Fit([0f, 1f], 2, 1, [0, 1, 1], new SvmSettings())).Message);
        Assert.Contains("SVM C: -1", Assert.Throws<ArgumentException>(() => SupportVectorClassifier.Fit([0f, 1f], 2, 1, [0, 1], new SvmSettings { C = -1 })).Message);
    }

    [Fact]
    public void Scale_gamma_is_one_over_features_times_the_variance_of_all_values()
    {
        // Values 0, 2, 4, 6: mean 3, variance 5; two features.
        Assert.Equal(1 / (2 * 5.0), SvmSettings.ScaleGamma([0f, 2f, 4f, 6f], 2), 12);
        Assert.Equal(1, SvmSettings.ScaleGamma([3f, 3f], 2));
    }

    /// <summary>Gaussian classes 0 and 1 whose means differ by <paramref name="separation"/> in every feature.</summary>
    internal static (float[] X, int[] Y) Blobs(int n, int features, float separation, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n * features];
        var y = new int[n];
        for (int s = 0; s < n; s++)
        {
            y[s] = rng.Next(2);
            for (int f = 0; f < features; f++) x[s * features + f] = Gaussian(rng) + y[s] * separation;
        }
        return (x, y);
    }
}
