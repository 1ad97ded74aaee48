namespace SetGpu.Analysis;

/// <summary>The solution of one binary C-SVC dual.</summary>
/// <param name="Alpha">The multipliers α, each in [0, C].</param>
/// <param name="Rho">The offset ρ: the decision value is Σ yᵢαᵢK(xᵢ, x) − ρ.</param>
/// <param name="Objective">The dual objective ½αᵀQα − eᵀα at the end.</param>
/// <param name="Iterations">Pairs updated.</param>
/// <param name="ReachedIterationLimit">True when the solver stopped at its iteration limit, not at the tolerance.</param>
internal readonly record struct SmoSolution(double[] Alpha, double Rho, double Objective, long Iterations, bool ReachedIterationLimit);

/// <summary>
/// Sequential minimal optimisation of the C-SVC dual, libsvm's algorithm (Chang and Lin, "LIBSVM: a library for support
/// vector machines", 2011; Fan, Chen and Lin, "Working set selection using second order information", JMLR 6, 2005):
/// <code>
///   min ½αᵀQα − eᵀα   subject to 0 ≤ αᵢ ≤ C, yᵀα = 0,   Q_ij = yᵢ y_j K(xᵢ, x_j)
/// </code>
/// Each iteration takes i with the largest −yᵢ∇ᵢ among the multipliers that may move up (I_up), then j among those
/// that may move down (I_low) with the largest second-order decrease b²/a, b = −yᵢ∇ᵢ + y_j∇_j &gt; 0,
/// a = K_ii + K_jj − 2K_ij (τ = 10⁻¹² where a ≤ 0); it stops when max over I_up − min over I_low of −y∇ is below the
/// tolerance. The pair moves along yᵢeᵢ − y_je_j (keeping yᵀα) by b/a, clipped to the box, and the gradient is updated
/// with the two kernel rows. On ties the later index is taken, as libsvm does, so both walk the same path. No shrinking:
/// every iteration scans all multipliers, O(n) beside the O(n·features) of a kernel row that misses the cache.
/// </summary>
internal static class SmoSolver
{
    const double Tau = 1e-12;

    /// <summary>Solves the dual for labels <paramref name="y"/> (+1 or −1) with kernel rows from <paramref name="cache"/>.</summary>
    public static SmoSolution Solve(KernelRowCache cache, sbyte[] y, double c, double tolerance)
    {
        int n = y.Length;
        var alpha = new double[n];
        var gradient = new double[n];
        Array.Fill(gradient, -1.0); // ∇ = Qα − e at α = 0
        // libsvm's limit: a problem that has not converged by then will not (for example a tolerance below rounding).
        long limit = Math.Max(10_000_000L, 100L * n);
        long iterations = 0;
        const double diagonal = 1.0; // K(x, x) = 1 for the RBF kernel

        while (iterations < limit)
        {
            // i: the multiplier that may move up with the largest −y∇.
            int i = -1;
            double up = double.NegativeInfinity;
            for (int t = 0; t < n; t++)
            {
                if (!MayMoveUp(alpha[t], y[t], c)) continue;
                double v = -y[t] * gradient[t];
                if (v >= up) { up = v; i = t; }
            }
            if (i < 0) break;
            float[] rowI = cache.Row(i);

            // j: the multiplier that may move down with the largest decrease of the objective; low = min over I_low of −y∇.
            int j = -1;
            double low = double.PositiveInfinity, best = double.PositiveInfinity;
            for (int t = 0; t < n; t++)
            {
                if (!MayMoveDown(alpha[t], y[t], c)) continue;
                double v = -y[t] * gradient[t];
                if (v <= low) low = v;
                double b = up - v;
                if (b <= 0) continue;
                double a = diagonal + diagonal - 2.0 * rowI[t];
                double decrease = -(b * b) / (a > 0 ? a : Tau);
                if (decrease <= best) { best = decrease; j = t; }
            }
            if (up - low < tolerance || j < 0) break;
            iterations++;
            float[] rowJ = cache.Row(j); // rowI stays valid: the cache keeps the two rows asked for last

            double aij = diagonal + diagonal - 2.0 * rowI[j];
            double step = (-y[i] * gradient[i] + y[j] * gradient[j]) / (aij > 0 ? aij : Tau);
            // Room before a bound: αᵢ moves by yᵢ·step, α_j by −y_j·step; step > 0.
            double roomI = y[i] > 0 ? c - alpha[i] : alpha[i];
            double roomJ = y[j] > 0 ? alpha[j] : c - alpha[j];
            double newI, newJ;
            if (step >= roomI && roomI <= roomJ)
            {
                step = roomI;
                newI = y[i] > 0 ? c : 0; // exactly on the bound, so the bound tests see it
                newJ = step >= roomJ ? (y[j] > 0 ? 0 : c) : alpha[j] - y[j] * step;
            }
            else if (step >= roomJ)
            {
                step = roomJ;
                newJ = y[j] > 0 ? 0 : c;
                newI = alpha[i] + y[i] * step;
            }
            else
            {
                newI = alpha[i] + y[i] * step;
                newJ = alpha[j] - y[j] * step;
            }
            double deltaI = (newI - alpha[i]) * y[i], deltaJ = (newJ - alpha[j]) * y[j];
            alpha[i] = newI;
            alpha[j] = newJ;
            // ∇_t += Q_ti Δαᵢ + Q_tj Δα_j = y_t (yᵢΔαᵢ K_ti + y_jΔα_j K_tj)
            for (int t = 0; t < n; t++)
                gradient[t] += y[t] * (deltaI * rowI[t] + deltaJ * rowJ[t]);
        }

        double objective = 0;
        for (int t = 0; t < n; t++) objective += alpha[t] * (gradient[t] - 1);
        return new SmoSolution(alpha, Rho(alpha, gradient, y, c), objective / 2, iterations, iterations >= limit);
    }

    /// <summary>αₜ may grow along yₜ: below C with y = +1, above 0 with y = −1.</summary>
    static bool MayMoveUp(double alpha, sbyte y, double c) => y > 0 ? alpha < c : alpha > 0;

    /// <summary>αₜ may shrink along yₜ: above 0 with y = +1, below C with y = −1.</summary>
    static bool MayMoveDown(double alpha, sbyte y, double c) => y > 0 ? alpha > 0 : alpha < c;

    /// <summary>
    /// ρ from the optimality conditions: y∇ averaged over the free multipliers (0 &lt; α &lt; C), where yᵢ∇ᵢ = ρ exactly;
    /// with none free, the middle of the interval that the bounded ones allow.
    /// </summary>
    static double Rho(double[] alpha, double[] gradient, sbyte[] y, double c)
    {
        double upper = double.PositiveInfinity, lower = double.NegativeInfinity, sumFree = 0;
        int free = 0;
        for (int t = 0; t < alpha.Length; t++)
        {
            double yg = y[t] * gradient[t];
            bool atUpper = alpha[t] >= c, atLower = alpha[t] <= 0;
            if (atUpper || atLower)
            {
                // In I_up only (α = 0 with y = +1, α = C with y = −1): ρ ≤ y∇. In I_low only: ρ ≥ y∇.
                if (atUpper == (y[t] < 0)) upper = Math.Min(upper, yg);
                else lower = Math.Max(lower, yg);
            }
            else
            {
                free++;
                sumFree += yg;
            }
        }
        return free > 0 ? sumFree / free : (upper + lower) / 2;
    }
}
