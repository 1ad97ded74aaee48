using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using SetGpu.Analysis;
using SetGpu.Data;

namespace SetGpu.Cli.Selection;

/// <summary>What a set of selected features is worth: a classifier's test accuracy and k-means' clustering accuracy on them.</summary>
/// <param name="Accuracy">Test accuracy of the classifier trained on the training split's selected features.</param>
/// <param name="ClusteringAccuracy">k-means on the test split's selected features, clusters matched to labels by the Hungarian method.</param>
internal readonly record struct FeatureScore(double Accuracy, double ClusteringAccuracy);

/// <summary>The classifier that measures selected features.</summary>
internal enum FeatureClassifier
{
    /// <summary>An RBF-kernel C-SVC (<see cref="SupportVectorClassifier"/>), scikit-learn's SVC defaults: the published figures' classifier.</summary>
    Svm,
    /// <summary>ML.NET's <c>LbfgsMaximumEntropy</c>: multinomial logistic regression, a linear model.</summary>
    Logistic,
}

/// <summary>
/// Scores selected features: a classifier's test accuracy and k-means' clustering accuracy. The classifier is
/// <see cref="FeatureClassifier.Svm"/> (the published QuickSelection figures are scikit-learn's <c>SVC</c> with an RBF
/// kernel, C = 1, γ = 'scale'; ML.NET has no kernel SVM, so it is <see cref="SupportVectorClassifier"/>, libsvm's algorithm)
/// or <see cref="FeatureClassifier.Logistic"/> (ML.NET's multinomial logistic regression by L-BFGS, L2 = 0.01, the
/// strongest of ML.NET's classifiers for its cost on COIL20). The selected features are standardised with the training
/// split's statistics. k-means (<c>KMeans</c>, k-means++ with the seed, as many clusters as classes) runs on the test
/// split; its clusters are matched to the labels by the Hungarian method (<see cref="LinearAssignment"/>).
/// With <paramref name="svmMaxTrain"/> &gt; 0 the SVM trains on at most that many training samples, a stratified seeded
/// subsample (its fit grows about quadratically with the samples: MNIST's 60,000).
/// </summary>
internal sealed class FeatureEvaluation(Dataset train, Dataset test, int seed, FeatureClassifier classifier = FeatureClassifier.Svm, int svmMaxTrain = 0)
{
    /// <summary>L2 regularisation weight of the logistic regression.</summary>
    public const float L2 = 0.01f;

    /// <summary>The SVM's settings: scikit-learn's SVC defaults.</summary>
    public static readonly SvmSettings Svm = new();

    /// <summary>The classifier and its settings, as the report names them.</summary>
    public string Classifier => (classifier == FeatureClassifier.Svm
        ? $"SVM: C-SVC, RBF kernel, C = {Svm.C}, gamma = 'scale' = 1/(K * Var(X)), tolerance {Svm.Tolerance}, one-vs-one (libsvm's SMO, second-order working sets; SetGpu's SupportVectorClassifier)" +
          (svmMaxTrain > 0 && svmMaxTrain < train.Samples ? $", trained on a stratified subsample of {svmMaxTrain} of the {train.Samples} training samples" : "")
        : $"ML.NET LbfgsMaximumEntropy (multinomial logistic regression, L2 = {L2}, L1 = 0)") +
        " on features standardised with the training split; " +
        "k-means: ML.NET KMeans (k-means++, k = classes) on the test split, clusters matched to labels by the Hungarian method";

    readonly int _classes = Math.Max(train.Classes, test.Classes);

    /// <summary>The scores of the features <paramref name="features"/> (column indices).</summary>
    public FeatureScore Score(IReadOnlyList<int> features)
    {
        if (features.Count == 0) throw new ArgumentException("no features to score");
        var (trainX, testX) = Standardised(features);
        double accuracy = Accuracy(trainX, testX, features.Count);
        if (DistinctRows(testX, features.Count) is { } distinct)
            return new FeatureScore(accuracy, ClusteringAccuracy(distinct, test.Labels, _classes));
        var ml = new MLContext(seed);
        var testView = ml.Data.LoadFromEnumerable(Rows(testX, test.Labels, features.Count), Schema(features.Count));
        var kmeans = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
        {
            NumberOfClusters = _classes, NumberOfThreads = 1, InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
        }).Fit(testView);
        var clusters = ml.Data.CreateEnumerable<Cluster>(kmeans.Transform(testView), reuseRowObject: false)
            .Select(c => (int)c.PredictedLabel - 1).ToArray();
        return new FeatureScore(accuracy, ClusteringAccuracy(clusters, test.Labels, _classes));
    }

    /// <summary>
    /// Where the test split holds no more distinct rows than there are classes (a few selected text features can make
    /// most rows equal), k-means' optimum puts every distinct row in a cluster of its own; ML.NET's trainer refuses such
    /// data, so the clusters are those rows' indices. Null where there are more distinct rows than classes.
    /// </summary>
    int[]? DistinctRows(float[] x, int width)
    {
        var index = new Dictionary<string, int>();
        var clusters = new int[test.Samples];
        for (int i = 0; i < test.Samples; i++)
        {
            string key = Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan(i * width, width)));
            if (!index.TryGetValue(key, out int cluster))
            {
                if (index.Count == _classes) return null;
                index[key] = cluster = index.Count;
            }
            clusters[i] = cluster;
        }
        return clusters;
    }

    /// <summary>The classifier's test accuracy on the features <paramref name="features"/>, and the seconds to fit it and predict.</summary>
    public (double Accuracy, double Seconds) ClassifierAccuracy(IReadOnlyList<int> features)
    {
        var (trainX, testX) = Standardised(features);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double accuracy = Accuracy(trainX, testX, features.Count);
        return (accuracy, clock.Elapsed.TotalSeconds);
    }

    double Accuracy(float[] trainX, float[] testX, int k)
    {
        int[] predicted = classifier == FeatureClassifier.Svm ? SvmPredictions(trainX, testX, k) : LogisticPredictions(trainX, testX, k);
        return predicted.Zip(test.Labels).Count(p => p.First == p.Second) / (double)test.Samples;
    }

    int[] SvmPredictions(float[] trainX, float[] testX, int k)
    {
        int[] rows = svmMaxTrain > 0 && svmMaxTrain < train.Samples ? StratifiedSubsample(train.Labels, svmMaxTrain, seed) : [.. Enumerable.Range(0, train.Samples)];
        var x = new float[(long)rows.Length * k];
        for (int r = 0; r < rows.Length; r++) Array.Copy(trainX, (long)rows[r] * k, x, (long)r * k, k);
        var svm = SupportVectorClassifier.Fit(x, rows.Length, k, [.. rows.Select(r => train.Labels[r])], Svm);
        return svm.Predict(testX, test.Samples);
    }

    int[] LogisticPredictions(float[] trainX, float[] testX, int k)
    {
        var ml = new MLContext(seed);
        var schema = Schema(k);
        var trainView = ml.Data.LoadFromEnumerable(Rows(trainX, train.Labels, k), schema);
        var testView = ml.Data.LoadFromEnumerable(Rows(testX, test.Labels, k), schema);
        // Labels as values mapped to keys by the pipeline and back (a key-typed label column of two classes made
        // LbfgsMaximumEntropy predict one class and the evaluator report 100 %: FeatureEvaluationTests).
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                L2Regularization = L2, L1Regularization = 0, NumberOfThreads = 1,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(trainView);
        return ml.Data.CreateEnumerable<Predicted>(model.Transform(testView), reuseRowObject: false).Select(p => (int)p.PredictedLabel).ToArray();
    }

    /// <summary>
    /// <paramref name="count"/> training rows, each class kept in its proportion (at least one of every class), drawn
    /// with <paramref name="seed"/>, in their order in the data.
    /// </summary>
    internal static int[] StratifiedSubsample(int[] labels, int count, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<int>();
        foreach (var group in labels.Select((label, row) => (label, row)).GroupBy(p => p.label).OrderBy(g => g.Key))
        {
            var members = group.Select(p => p.row).ToArray();
            rng.Shuffle(members);
            int take = Math.Max(1, (int)Math.Round((double)members.Length * count / labels.Length));
            rows.AddRange(members.Take(take));
        }
        rows.Sort();
        return [.. rows];
    }

    /// <summary>
    /// The fraction of samples whose cluster, matched one to one to a label so that the most samples agree (Hungarian
    /// method on the negated counts), is their label.
    /// </summary>
    public static double ClusteringAccuracy(int[] clusters, int[] labels, int classes)
    {
        int k = Math.Max(classes, clusters.Max() + 1);
        var cost = new double[k, k];
        for (int i = 0; i < labels.Length; i++) cost[clusters[i], labels[i]] -= 1;
        var match = LinearAssignment.Solve(cost);
        double agree = 0;
        for (int c = 0; c < k; c++) agree -= cost[c, match[c]];
        return agree / labels.Length;
    }

    (float[] Train, float[] Test) Standardised(IReadOnlyList<int> features)
    {
        int k = features.Count;
        var mean = new double[k];
        var sd = new double[k];
        for (int j = 0; j < k; j++)
        {
            double sum = 0, squares = 0;
            for (int s = 0; s < train.Samples; s++)
            {
                double v = train.Features[(long)s * train.FeatureCount + features[j]];
                sum += v;
                squares += v * v;
            }
            mean[j] = sum / train.Samples;
            double variance = squares / train.Samples - mean[j] * mean[j];
            sd[j] = variance > 1e-12 ? Math.Sqrt(variance) : 1; // a constant feature stays constant (zero)
        }
        float[] Take(Dataset d)
        {
            var x = new float[(long)d.Samples * k];
            for (int s = 0; s < d.Samples; s++)
                for (int j = 0; j < k; j++)
                    x[(long)s * k + j] = (float)((d.Features[(long)s * d.FeatureCount + features[j]] - mean[j]) / sd[j]);
            return x;
        }
        return (Take(train), Take(test));
    }

    SchemaDefinition Schema(int features)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        return schema;
    }

    static IEnumerable<Row> Rows(float[] x, int[] labels, int features)
    {
        for (int s = 0; s < labels.Length; s++)
            yield return new Row { Features = x.AsSpan(s * features, features).ToArray(), Label = labels[s] };
    }

    sealed class Row
    {
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    sealed class Predicted
    {
        public float PredictedLabel { get; set; }
    }

    sealed class Cluster
    {
        public uint PredictedLabel { get; set; }
    }
}
