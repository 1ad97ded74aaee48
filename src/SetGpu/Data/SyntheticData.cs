namespace SetGpu.Data;

/// <summary>
/// Seeded synthetic classification problems. Everything draws from one <see cref="System.Random"/>(seed), whose
/// seeded sequence .NET keeps stable, so a seed always gives the same dataset.
/// </summary>
public static class SyntheticData
{
    /// <summary>Seed of the embedded default problem (<see cref="Default"/>).</summary>
    public const int DefaultSeed = 20170606;

    /// <summary>
    /// A <c>make_classification</c>-style problem: Classes × ClustersPerClass Gaussian clusters centred on distinct
    /// vertices of a hypercube in the informative dimensions, each with a random covariance; redundant features are
    /// random linear combinations of the informative ones; the rest are N(0,1) noise; features are shuffled.
    /// </summary>
    /// <exception cref="ArgumentException">Inconsistent options (too many informative features, too few vertices…).</exception>
    public static Dataset Classification(SyntheticClassificationOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        int f = options.Features, inf = options.Informative, red = options.Redundant, classes = options.Classes, cpc = options.ClustersPerClass;
        if (classes < 2) throw new ArgumentException("at least 2 classes are needed", nameof(options));
        if (inf < 1 || red < 0 || inf + red > f)
            throw new ArgumentException($"informative ({inf}) + redundant ({red}) must be positive and at most the feature count ({f})", nameof(options));
        if (cpc < 1) throw new ArgumentException("ClustersPerClass must be at least 1", nameof(options));
        int clusters = classes * cpc;
        if (inf < 31 && clusters > 1 << inf)
            throw new ArgumentException($"{clusters} clusters need at least {clusters} hypercube vertices, {inf} informative dimensions give {1 << inf}", nameof(options));

        var rng = new Random(seed);
        int[] perCluster = ClusterSizes(options, clusters);
        int n = perCluster.Sum();
        if (n < 1) throw new ArgumentException("the dataset would have no samples", nameof(options));

        var x = new double[n, f];
        var y = new int[n];

        // Cluster centres: distinct random hypercube vertices at ±ClassSeparation.
        var centroids = new double[clusters][];
        var used = new HashSet<string>();
        for (int k = 0; k < clusters; k++)
        {
            double[] c;
            string key;
            do
            {
                c = new double[inf];
                for (int j = 0; j < inf; j++) c[j] = rng.Next(2) == 0 ? -options.ClassSeparation : options.ClassSeparation;
                key = string.Join(",", c.Select(v => v > 0 ? '1' : '0'));
            } while (!used.Add(key));
            centroids[k] = c;
        }

        for (int i = 0; i < n; i++)
            for (int j = 0; j < inf; j++) x[i, j] = Gaussian(rng);

        int start = 0;
        var tmp = new double[inf];
        for (int k = 0; k < clusters; k++)
        {
            // Random linear map per cluster gives each its own covariance.
            var a = new double[inf, inf];
            for (int r = 0; r < inf; r++)
                for (int c = 0; c < inf; c++) a[r, c] = 2 * rng.NextDouble() - 1;
            for (int i = start; i < start + perCluster[k]; i++)
            {
                y[i] = k % classes;
                for (int c = 0; c < inf; c++)
                {
                    double s = 0;
                    for (int r = 0; r < inf; r++) s += x[i, r] * a[r, c];
                    tmp[c] = s;
                }
                for (int c = 0; c < inf; c++) x[i, c] = tmp[c] + centroids[k][c];
            }
            start += perCluster[k];
        }

        if (red > 0)
        {
            var b = new double[inf, red];
            for (int r = 0; r < inf; r++)
                for (int c = 0; c < red; c++) b[r, c] = 2 * rng.NextDouble() - 1;
            for (int i = 0; i < n; i++)
                for (int c = 0; c < red; c++)
                {
                    double s = 0;
                    for (int r = 0; r < inf; r++) s += x[i, r] * b[r, c];
                    x[i, inf + c] = s;
                }
        }
        for (int i = 0; i < n; i++)
            for (int j = inf + red; j < f; j++) x[i, j] = Gaussian(rng);

        if (options.LabelNoise > 0)
            for (int i = 0; i < n; i++)
                if (rng.NextDouble() < options.LabelNoise) y[i] = rng.Next(classes);

        int[] rowOrder = Enumerable.Range(0, n).ToArray(), colOrder = Enumerable.Range(0, f).ToArray();
        if (options.Shuffle)
        {
            rng.Shuffle(rowOrder);
            rng.Shuffle(colOrder);
        }
        var features = new float[(long)n * f];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = y[rowOrder[i]];
            for (int j = 0; j < f; j++) features[(long)i * f + j] = (float)x[rowOrder[i], colOrder[j]];
        }
        return new Dataset(options.Name, features, labels, f, classes);
    }

    /// <summary>
    /// The embedded default problem of the command-line trainer: 1500 samples, 120 features (12 informative,
    /// 12 redundant, 96 noise), 3 classes of 2 clusters each. A small sparse MLP learns it well above the 1/3 chance
    /// level within seconds.
    /// </summary>
    public static Dataset Default(int seed = DefaultSeed) => Classification(new SyntheticClassificationOptions
    {
        Samples = 1500,
        Features = 120,
        Informative = 12,
        Redundant = 12,
        Classes = 3,
        ClustersPerClass = 2,
        ClassSeparation = 2.5,
        Name = "synthetic",
    }, seed);

    /// <summary>
    /// Lung-shaped data as the SET reference's own lung stand-in makes them: every class has a mean drawn from N(0, 1)
    /// per feature, and a sample is its class mean plus 3·N(0, 1) noise per feature. 203 samples × 3312 features in
    /// classes of 139, 17, 21, 20 and 6 (the original lung set's shape), in a shuffled order. Every feature carries a
    /// little of the class, as in gene-expression data, so a network learns it from all its inputs.
    /// </summary>
    public static Dataset LungReferenceStyle(int seed, int scale = 1)
    {
        if (scale < 1) throw new ArgumentException($"scale must be at least 1, got {scale}", nameof(scale));
        const int features = 3312, classes = 5;
        int[] counts = [139 * scale, 17 * scale, 21 * scale, 20 * scale, 6 * scale];
        var rng = new Random(seed);
        var means = new double[classes, features];
        for (int c = 0; c < classes; c++)
            for (int j = 0; j < features; j++) means[c, j] = Gaussian(rng);
        int n = counts.Sum();
        var labels = new int[n];
        for (int c = 0, i = 0; c < classes; c++)
            for (int k = 0; k < counts[c]; k++) labels[i++] = c;
        rng.Shuffle(labels);
        var x = new float[(long)n * features];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < features; j++) x[(long)i * features + j] = (float)(means[labels[i], j] + 3 * Gaussian(rng));
        return new Dataset("lung-reference-style", x, labels, features, classes);
    }

    /// <summary>
    /// A problem shaped like NIPS 2003 Madelon: 500 features of which 5 informative and 15 redundant, two classes
    /// of 16 clusters each on the vertices of a 5-D hypercube.
    /// </summary>
    public static Dataset MadelonLike(int seed, int samples = 2600) => Classification(new SyntheticClassificationOptions
    {
        Samples = samples,
        Features = 500,
        Informative = 5,
        Redundant = 15,
        Classes = 2,
        ClustersPerClass = 16,
        ClassSeparation = 1.0,
        Name = "madelon-like",
    }, seed);

    /// <summary>Samples per cluster; cluster k belongs to class k % Classes.</summary>
    private static int[] ClusterSizes(SyntheticClassificationOptions o, int clusters)
    {
        var sizes = new int[clusters];
        if (o.ClassCounts is { } counts)
        {
            if (counts.Count != o.Classes)
                throw new ArgumentException($"ClassCounts has {counts.Count} entries for {o.Classes} classes", nameof(o));
            for (int c = 0; c < o.Classes; c++)
            {
                if (counts[c] < 0) throw new ArgumentException($"ClassCounts[{c}] is negative", nameof(o));
                for (int j = 0; j < o.ClustersPerClass; j++)
                    sizes[j * o.Classes + c] = counts[c] / o.ClustersPerClass + (j < counts[c] % o.ClustersPerClass ? 1 : 0);
            }
            return sizes;
        }
        if (o.Samples < 1) throw new ArgumentException("Samples must be positive", nameof(o));
        for (int k = 0; k < clusters; k++) sizes[k] = o.Samples / clusters + (k < o.Samples % clusters ? 1 : 0);
        return sizes;
    }

    /// <summary>Standard normal draw (Box–Muller; one of the pair is discarded to keep the sequence simple).</summary>
    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(); // (0, 1], keeps the log finite
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
