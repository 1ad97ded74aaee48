using System.Globalization;

namespace SetGpu.Bench;

/// <summary>
/// <c>select-table FILE.tsv</c>: the feature-selection table from the lines <c>setgpu select --table</c> appended (one per
/// dataset, method, seed and K): accuracy and clustering accuracy, mean ± sd over the seeds, the random-features
/// baseline, seconds per run, and the published SET-QS (K = 100) SVM figure beside; one row per classifier (lines
/// without the classifier column are the logistic regression's). Markdown, to stdout.
/// </summary>
internal static class SelectionTable
{
    /// <summary>Atashgahi et al. 2024, SVM accuracy (%) with K = 100 for SET + QuickSelection.</summary>
    static readonly Dictionary<string, double> Published = new()
    {
        ["mnist"] = 96.02, ["coil20"] = 98.72, ["isolet"] = 95.22, ["madelon"] = 78.40, ["pcmac"] = 86.76,
        ["basehock"] = 93.78, ["relathe"] = 80.77, ["arcene"] = 66.25, ["orl"] = 92.25, ["yale"] = 74.55,
    };

    public static void Run(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split('\t');
        int Col(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{path}: no column {name}");
        var rows = lines.Skip(1).Where(l => !l.StartsWith("dataset\t")).Select(l => l.Split('\t')).ToArray();
        double Value(string[] row, string name) => double.Parse(row[Col(name)], CultureInfo.InvariantCulture);
        // Lines written before select had --classifier have no such column: their classifier was the logistic regression.
        int classifierColumn = Array.IndexOf(header, "classifier");
        string Classifier(string[] row) => classifierColumn >= 0 && classifierColumn < row.Length ? row[classifierColumn] : "logistic";

        Console.WriteLine("| dataset | method | classifier | K | seeds | epochs | accuracy (%) | published SET-QS K=100, SVM (%) | random K (%) | all features (%) | clustering (%) | s per run |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var group in rows.GroupBy(r => (Dataset: r[Col("dataset")], Method: r[Col("method")], Classifier: Classifier(r), K: int.Parse(r[Col("k")]), Epochs: r[Col("epochs")]))
                                  .OrderBy(g => g.Key.Dataset).ThenBy(g => g.Key.Method).ThenBy(g => g.Key.Classifier).ThenBy(g => g.Key.K))
        {
            var g = group.ToArray();
            // Runs with --no-baselines wrote NaN for the scores they did not measure: the mean of those measured, or "–".
            string Stat(string name)
            {
                var v = g.Select(r => 100 * Value(r, name)).Where(double.IsFinite).ToArray();
                if (v.Length == 0) return "–";
                double mean = v.Average(), sd = v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
                return string.Create(CultureInfo.InvariantCulture, $"{mean:F2} ± {sd:F2}");
            }
            string published = group.Key.K == 100 && Published.TryGetValue(group.Key.Dataset, out var p) ? p.ToString("F2", CultureInfo.InvariantCulture) : "";
            double seconds = g.Average(r => Value(r, "selection_seconds"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key.Dataset} | {group.Key.Method} | {group.Key.Classifier} | {group.Key.K} | {g.Length} | {group.Key.Epochs} | {Stat("accuracy")} | {published} | {Stat("random_accuracy")} | {Stat("all_accuracy")} | {Stat("clustering")} | {seconds:F1} |"));
        }
    }
}
