using System.Diagnostics;

namespace SetGpu.Analysis;

/// <summary>
/// A kernel support vector classifier: C-SVC with the RBF kernel, trained one-versus-one like libsvm and scikit-learn's
/// <c>SVC</c>. For every pair of classes a &lt; b (in increasing label order) a binary dual is solved by
/// <see cref="SmoSolver"/> on the samples of the two classes (class a as +1, in their order in the data); a sample gets
/// one vote per pair (class a where the pair's decision value is &gt; 0, else class b), and the class with the most votes
/// wins, the lowest label among ties (libsvm's rule).
/// </summary>
/// <example><code>
/// var svm = SupportVectorClassifier.Fit(x, samples, features, labels, new SvmSettings());
/// int[] predicted = svm.Predict(testX, testSamples);
/// </code></example>
public sealed class SupportVectorClassifier
{
    readonly int[] _labels;               // the class labels present in the training data, increasing
    readonly float[] _supportVectors;     // every pair's support vectors, each once, row after row
    readonly Machine[] _machines;
    readonly int _threads;

    /// <summary>One pair's decision function: Σ coefficient · K(support vector, x) − ρ.</summary>
    readonly record struct Machine(int Positive, int Negative, int[] Vectors, double[] Coefficients, double Rho, double Objective, long Iterations, bool Limited);

    SupportVectorClassifier(int features, double gamma, int[] labels, float[] supportVectors, int supportVectorCount, Machine[] machines,
                            int threads, double fitSeconds)
    {
        Features = features;
        Gamma = gamma;
        _labels = labels;
        _supportVectors = supportVectors;
        SupportVectorCount = supportVectorCount;
        _machines = machines;
        _threads = threads;
        FitSeconds = fitSeconds;
    }

    /// <summary>Features of a sample.</summary>
    public int Features { get; }

    /// <summary>The RBF kernel's γ (the one given, or 'scale' computed from the training matrix).</summary>
    public double Gamma { get; }

    /// <summary>The class labels seen in training, increasing.</summary>
    public IReadOnlyList<int> Classes => _labels;

    /// <summary>Training samples that are a support vector of at least one pair (α &gt; 0).</summary>
    public int SupportVectorCount { get; }

    /// <summary>Seconds <see cref="Fit"/> took.</summary>
    public double FitSeconds { get; }

    /// <summary>Each pair's dual objective ½αᵀQα − eᵀα, in pair order (0,1), (0,2), …, (1,2), ….</summary>
    public IReadOnlyList<double> Objectives => _machines.Select(m => m.Objective).ToArray();

    /// <summary>Each pair's support vectors, in pair order.</summary>
    public IReadOnlyList<int> PairSupportVectors => _machines.Select(m => m.Vectors.Length).ToArray();

    /// <summary>Solver iterations over all pairs.</summary>
    public long Iterations => _machines.Sum(m => m.Iterations);

    /// <summary>True when some pair's solver stopped at its iteration limit instead of the tolerance.</summary>
    public bool ReachedIterationLimit => _machines.Any(m => m.Limited);

    /// <summary>
    /// Trains on <paramref name="samples"/> rows of <paramref name="features"/> values (<paramref name="x"/>, row-major)
    /// with class labels <paramref name="labels"/> (any integers).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes disagree, a value is not finite, or a setting is out of range.</exception>
    public static SupportVectorClassifier Fit(float[] x, int samples, int features, int[] labels, SvmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (samples < 1 || features < 1) throw new ArgumentException($"SVM: {samples} samples × {features} features; give at least one of each");
        if ((long)samples * features != x.Length) throw new ArgumentException($"SVM: {x.Length} values are not {samples} samples × {features} features");
        if (labels.Length != samples) throw new ArgumentException($"SVM: {labels.Length} labels for {samples} samples");
        for (int v = 0; v < x.Length; v++)
            if (!float.IsFinite(x[v])) throw new ArgumentException($"SVM: value {x[v]} at sample {v / features}, feature {v % features} is not finite");

        var clock = Stopwatch.StartNew();
        double gamma = settings.Gamma ?? SvmSettings.ScaleGamma(x, features);
        int threads = settings.Threads == 0 ? Environment.ProcessorCount : settings.Threads;
        int[] classes = labels.Distinct().Order().ToArray();
        // The samples of each class in their order in the data, as libsvm groups them.
        var members = classes.Select(c => Enumerable.Range(0, samples).Where(s => labels[s] == c).ToArray()).ToArray();

        var machines = new List<Machine>();
        var vectorOf = new Dictionary<int, int>(); // training sample → its row among the support vectors
        var vectorRows = new List<int>();
        for (int a = 0; a < classes.Length; a++)
            for (int b = a + 1; b < classes.Length; b++)
            {
                int[] indices = [.. members[a], .. members[b]];
                var y = new sbyte[indices.Length];
                for (int t = 0; t < y.Length; t++) y[t] = t < members[a].Length ? (sbyte)1 : (sbyte)-1;
                var kernel = new RbfKernel(Gather(x, features, indices), indices.Length, features, gamma, threads);
                var solution = SmoSolver.Solve(new KernelRowCache(kernel, settings.CacheBytes), y, settings.C, settings.Tolerance);
                var vectors = new List<int>();
                var coefficients = new List<double>();
                for (int t = 0; t < indices.Length; t++)
                {
                    if (solution.Alpha[t] <= 0) continue;
                    if (!vectorOf.TryGetValue(indices[t], out int row))
                    {
                        row = vectorRows.Count;
                        vectorOf[indices[t]] = row;
                        vectorRows.Add(indices[t]);
                    }
                    vectors.Add(row);
                    coefficients.Add(y[t] * solution.Alpha[t]);
                }
                machines.Add(new Machine(a, b, [.. vectors], [.. coefficients], solution.Rho, solution.Objective, solution.Iterations, solution.ReachedIterationLimit));
            }
        return new SupportVectorClassifier(features, gamma, classes, Gather(x, features, [.. vectorRows]), vectorRows.Count, [.. machines],
                                           threads, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The decision value of every pair for every sample of <paramref name="x"/>: sample after sample, pairs in the order
    /// (0,1), (0,2), …, (1,2), … of <see cref="Classes"/>; positive favours the pair's first class (libsvm's sign).
    /// </summary>
    public double[] DecisionValues(float[] x, int samples)
    {
        Check(x, samples);
        int pairs = _machines.Length;
        var values = new double[(long)samples * pairs];
        var kernel = new RbfKernel(_supportVectors, SupportVectorCount, Features, Gamma, threads: 1);
        Parallel.For(0, samples, new ParallelOptions { MaxDegreeOfParallelism = _threads }, () => new float[SupportVectorCount], (s, _, k) =>
        {
            kernel.Against(x.AsSpan(s * Features, Features).ToArray(), k);
            for (int p = 0; p < pairs; p++)
            {
                var m = _machines[p];
                double sum = 0;
                for (int v = 0; v < m.Vectors.Length; v++) sum += m.Coefficients[v] * k[m.Vectors[v]];
                values[(long)s * pairs + p] = sum - m.Rho;
            }
            return k;
        }, _ => { });
        return values;
    }

    /// <summary>The predicted label of every sample of <paramref name="x"/> (row-major, <see cref="Features"/> values each).</summary>
    public int[] Predict(float[] x, int samples)
    {
        var values = DecisionValues(x, samples);
        int pairs = _machines.Length;
        var predicted = new int[samples];
        var votes = new int[_labels.Length];
        for (int s = 0; s < samples; s++)
        {
            Array.Clear(votes);
            for (int p = 0; p < pairs; p++)
                votes[values[(long)s * pairs + p] > 0 ? _machines[p].Positive : _machines[p].Negative]++;
            int winner = 0;
            for (int c = 1; c < votes.Length; c++)
                if (votes[c] > votes[winner]) winner = c; // the lowest label among ties
            predicted[s] = _labels[winner];
        }
        return predicted;
    }

    void Check(float[] x, int samples)
    {
        ArgumentNullException.ThrowIfNull(x);
        if ((long)samples * Features != x.Length) throw new ArgumentException($"SVM: {x.Length} values are not {samples} samples × {Features} features");
    }

    static float[] Gather(float[] x, int features, int[] rows)
    {
        var gathered = new float[(long)rows.Length * features];
        for (int r = 0; r < rows.Length; r++)
            Array.Copy(x, (long)rows[r] * features, gathered, (long)r * features, features);
        return gathered;
    }
}
