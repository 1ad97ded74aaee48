namespace SetGpu.Analysis;

/// <summary>
/// The settings of <see cref="SupportVectorClassifier"/>: a C-SVC with the RBF kernel exp(−γ‖x − z‖²). The defaults are
/// scikit-learn's <c>SVC()</c>: C = 1, γ = 'scale' = 1 / (features · Var(X)) over every value of the training matrix,
/// stopping tolerance 10⁻³, a 200 MB kernel cache.
/// </summary>
public sealed record SvmSettings
{
    /// <summary>The box constraint C: the cost of a margin violation.</summary>
    public double C { get; init; } = 1;

    /// <summary>The RBF kernel's γ; null for 'scale', 1 / (features · Var(X)) of the training matrix (1 where Var(X) = 0).</summary>
    public double? Gamma { get; init; }

    /// <summary>The solver stops when the maximal violating pair violates the optimality conditions by less than this (libsvm's ε).</summary>
    public double Tolerance { get; init; } = 1e-3;

    /// <summary>The most bytes the kernel-row cache of one binary problem holds (at least two rows are always kept).</summary>
    public long CacheBytes { get; init; } = 200L << 20;

    /// <summary>The most threads that compute kernel rows and decision values; 0 for every processor.</summary>
    public int Threads { get; init; }

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (!(C > 0) || double.IsInfinity(C)) throw new ArgumentException($"SVM C: {C}; give a positive finite number");
        if (Gamma is { } g && (!(g > 0) || double.IsInfinity(g))) throw new ArgumentException($"SVM gamma: {g}; give a positive finite number");
        if (!(Tolerance > 0)) throw new ArgumentException($"SVM tolerance: {Tolerance}; give a positive number");
        if (CacheBytes < 0) throw new ArgumentException($"SVM cache: {CacheBytes} bytes; give zero or more");
        if (Threads < 0) throw new ArgumentException($"SVM threads: {Threads}; give 0 (every processor) or more");
    }

    /// <summary>γ = 'scale' of a training matrix: 1 / (features · Var(X)), the variance over all its values; 1 where that is 0.</summary>
    public static double ScaleGamma(ReadOnlySpan<float> x, int features)
    {
        if (x.Length == 0 || features == 0) return 1;
        // Two passes (mean, then squared deviations), as NumPy's var: one pass of E[x²] − mean² loses digits.
        double sum = 0;
        foreach (float v in x) sum += v;
        double mean = sum / x.Length, squares = 0;
        foreach (float v in x) squares += (v - mean) * (v - mean);
        double variance = squares / x.Length;
        return variance > 0 ? 1 / (features * variance) : 1;
    }
}
