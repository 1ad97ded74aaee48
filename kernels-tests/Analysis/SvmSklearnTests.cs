using System.Globalization;
using System.Text.Json;
using SetGpu.Analysis;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Analysis;

/// <summary>
/// The SVM against scikit-learn's <c>SVC</c> (libsvm) with the same settings (RBF kernel, γ = 'scale', tolerance 10⁻³,
/// one-vs-one) on small seeded problems, binary and multi-class, separable and not: at least 99 % of the test points get
/// the same prediction; every pair's decision value agrees within 2·10⁻³ (twice libsvm's stopping tolerance: each solver stops
/// anywhere within it; measured: up to 8·10⁻⁴, 10⁻⁶ where the two walk the same path) on every test point;
/// the support vectors number within 2 of libsvm's (measured: equal); and a binary problem's dual objective agrees within 10⁻⁴ relative.
/// Needs Debian's python3-sklearn; SETGPU_REQUIRE=sklearn (as .ci/run sets it) makes it fail instead of skip.
/// </summary>
public class SvmSklearnTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    public const double DecisionTolerance = 2e-3;
    public const double ObjectiveTolerance = 1e-4;

    [SkippableTheory]
    [Trait(Lane.Category, Lane.Slow)] // starts python
    [InlineData(2, 5, 3.0f, 1.0, 1)]   // binary, separable
    [InlineData(2, 10, 0.4f, 1.0, 2)]  // binary, overlapping
    [InlineData(2, 8, 0.5f, 10.0, 3)]  // binary, overlapping, C = 10
    [InlineData(4, 8, 0.8f, 1.0, 4)]   // four classes, overlapping
    [InlineData(3, 6, 4.0f, 1.0, 5)]   // three classes, separable
    [InlineData(6, 20, 0.6f, 2.0, 6)]  // six classes, overlapping, C = 2
    public void Same_predictions_decision_values_and_support_vectors_as_sklearn(int classes, int features, float separation, double c, int seed)
    {
        string python = Requirement.Sklearn.Require();
        var (x, y) = Classes(240, features, classes, separation, seed);
        var (testX, testY) = Classes(200, features, classes, separation, seed + 100);
        string trainFile = Write("train.txt", x, y, features), testFile = Write("test.txt", testX, testY, features);

        var (code, output) = Programs.Run(python, "-c", """
            import sys, json, numpy as np
            from sklearn.svm import SVC
            # The values are C#'s floats, written as the shortest text that reads back as that float: read back to float32 first.
            load = lambda path: np.loadtxt(path, ndmin=2).astype(np.float32).astype(np.float64)
            train, test, c = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])
            X, y, T = train[:, 1:], train[:, 0].astype(int), test[:, 1:]
            svm = SVC(C=c, kernel="rbf", gamma="scale", tol=1e-3, decision_function_shape="ovo").fit(X, y)
            d = svm.decision_function(T)
            if d.ndim == 1: d = -d[:, None]   # scikit-learn flips a binary problem's sign; libsvm's is positive for the first class
            objective = None
            if len(svm.classes_) == 2:
                a = svm.dual_coef_[0]
                S = X[svm.support_]
                K = np.exp(-svm._gamma * ((S[:, None, :] - S[None, :, :]) ** 2).sum(-1))
                objective = float(0.5 * a @ K @ a - np.abs(a).sum())   # ½αᵀQα − eᵀα with a = yα
            print(json.dumps({"predicted": svm.predict(T).tolist(), "decision": d.tolist(), "support": int(svm.support_.size),
                              "gamma": float(svm._gamma), "objective": objective}))
            """, trainFile, testFile, c.ToString("R", CultureInfo.InvariantCulture));
        Assert.True(code == 0, $"python exited with {code}:\n{output}");
        using var expected = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var root = expected.RootElement;

        var svm = SupportVectorClassifier.Fit(x, y.Length, features, y, new SvmSettings { C = c });
        double gamma = root.GetProperty("gamma").GetDouble();
        Assert.True(Math.Abs(svm.Gamma - gamma) <= 1e-9 * gamma, $"gamma 'scale' {svm.Gamma:R} against scikit-learn's {gamma:R}");
        var predicted = svm.Predict(testX, testY.Length);
        var theirs = root.GetProperty("predicted").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        double same = predicted.Zip(theirs).Count(p => p.First == p.Second) / (double)theirs.Length;
        Assert.True(same >= 0.99, $"{same:P1} of the predictions agree with scikit-learn's");

        var decision = svm.DecisionValues(testX, testY.Length);
        var theirDecision = root.GetProperty("decision").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(e => e.GetDouble())).ToArray();
        Assert.Equal(theirDecision.Length, decision.Length);
        double worst = decision.Zip(theirDecision).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= DecisionTolerance, $"decision values differ by up to {worst:E2} (pairs {classes * (classes - 1) / 2})");
        Console.WriteLine($"{classes} classes, C = {c}: {same:P1} same predictions, decision values within {worst:E2}, {svm.SupportVectorCount} support vectors against {root.GetProperty("support").GetInt32()}");

        int support = root.GetProperty("support").GetInt32();
        Assert.InRange(svm.SupportVectorCount, support - 2, support + 2);
        if (root.GetProperty("objective").ValueKind == JsonValueKind.Number)
        {
            double objective = root.GetProperty("objective").GetDouble();
            Assert.True(Math.Abs(svm.Objectives[0] - objective) <= ObjectiveTolerance * Math.Abs(objective),
                        $"dual objective {svm.Objectives[0]:R} against scikit-learn's {objective:R}");
        }
    }

    string Write(string name, float[] x, int[] y, int features)
    {
        string path = Path.Combine(_dir.Path, name);
        File.WriteAllLines(path, Enumerable.Range(0, y.Length).Select(s =>
            y[s].ToString(CultureInfo.InvariantCulture) + " " +
            string.Join(' ', Enumerable.Range(0, features).Select(f => x[s * features + f].ToString("R", CultureInfo.InvariantCulture)))));
        return path;
    }

    /// <summary>
    /// Gaussian classes around random centres <paramref name="separation"/> apart per feature on average; labels 0 … classes − 1
    /// drawn at random, so the classes are unbalanced a little.
    /// </summary>
    static (float[] X, int[] Y) Classes(int n, int features, int classes, float separation, int seed)
    {
        var means = new float[classes * features];
        var centres = new Random(seed % 100); // the same centres for a problem's training (seed) and test (seed + 100) points
        for (int i = 0; i < means.Length; i++) means[i] = (float)(centres.NextDouble() * 2 - 1) * separation;
        var rng = new Random(seed);
        var x = new float[n * features];
        var y = new int[n];
        for (int s = 0; s < n; s++)
        {
            y[s] = rng.Next(classes);
            for (int f = 0; f < features; f++)
                x[s * features + f] = means[y[s] * features + f] + (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        }
        return (x, y);
    }
}
