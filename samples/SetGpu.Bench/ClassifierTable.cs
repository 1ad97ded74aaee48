using System.Globalization;
using SetGpu.Cli;
using SetGpu.Cli.Selection;
using SetGpu.Data;

namespace SetGpu.Bench;

/// <summary>
/// <c>classifiers</c>: <c>select</c>'s two classifiers (the RBF SVM and ML.NET's logistic regression) on datasets with all
/// their features and with K random features, prepared as <c>select</c> prepares them (its split and min-max scaling, then
/// standardised with the training split): test accuracy and seconds to fit and predict; with <c>--subset</c> also on the
/// features given (0-based, for example Madelon's 20 informative ones). A Markdown table, to stdout.
/// </summary>
internal static class ClassifierTable
{
    public static void Run(string[] datasets, int k, int draws, ulong seed, string dataDir, string[] classifiers, int svmMaxTrain, int[] subset, bool skipAll)
    {
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = dataDir, Log = TextWriter.Null });
        string given = subset.Length > 0 ? $" the {subset.Length} given features (%) | s |" : "";
        Console.WriteLine($"| dataset | train × features | classifier | all features: accuracy (%) | s | {k} random features: accuracy (%), mean ± sd of {draws} | s per fit |{given}");
        Console.WriteLine("|---|---|---|---|---|---|---|" + (subset.Length > 0 ? "---|---|" : ""));
        foreach (string name in datasets)
        {
            var split = MinMaxScaling.Apply(catalog.Load(name, DataLoading.SplitSeed(seed), 0.8));
            int d = split.Train.FeatureCount;
            foreach (string classifier in classifiers)
            {
                var kind = classifier switch
                {
                    "svm" => FeatureClassifier.Svm,
                    "logistic" => FeatureClassifier.Logistic,
                    _ => throw new ArgumentException($"--classifiers: '{classifier}' is not svm or logistic"),
                };
                var evaluation = new FeatureEvaluation(split.Train, split.Test, DataLoading.SplitSeed(seed), kind, svmMaxTrain);
                var all = skipAll ? (Accuracy: double.NaN, Seconds: double.NaN) : evaluation.ClassifierAccuracy(Enumerable.Range(0, d).ToArray());
                // Each fit prints as it ends: MNIST's take minutes.
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {classifier}: all features {100 * all.Accuracy:F2} % in {all.Seconds:F1} s"));
                var random = Enumerable.Range(0, draws).Select(draw =>
                {
                    var features = Enumerable.Range(0, d).ToArray();
                    new Random((int)seed * 1000 + draw).Shuffle(features);
                    return evaluation.ClassifierAccuracy(features[..Math.Min(k, d)]);
                }).ToArray();
                double mean = draws == 0 ? double.NaN : random.Average(r => 100 * r.Accuracy);
                double sd = draws < 2 ? 0 : Math.Sqrt(random.Sum(r => Math.Pow(100 * r.Accuracy - mean, 2)) / (draws - 1));
                string fixedColumns = "";
                if (subset.Length > 0)
                {
                    var chosen = evaluation.ClassifierAccuracy(subset);
                    fixedColumns = string.Create(CultureInfo.InvariantCulture, $" {100 * chosen.Accuracy:F2} | {chosen.Seconds:F1} |");
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {split.Train.Samples} × {d} | {classifier} | {100 * all.Accuracy:F2} | {all.Seconds:F1} | {mean:F2} ± {sd:F2} | {(draws == 0 ? double.NaN : random.Average(r => r.Seconds)):F1} |{fixedColumns}"));
            }
        }
    }
}
