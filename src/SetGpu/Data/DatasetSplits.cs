namespace SetGpu.Data;

/// <summary>Train/test splits for datasets that come without an official one.</summary>
public static class DatasetSplits
{
    /// <summary>The fraction used when a dataset has no official test split (two thirds, as in the SET paper).</summary>
    public const double DefaultTrainFraction = 2.0 / 3.0;

    /// <summary>
    /// A seeded stratified split: within every class, round(count × trainFraction) randomly chosen samples go to
    /// train and the rest to test, keeping at least one of each side for classes with two or more samples.
    /// Both parts are then shuffled, so neither is ordered by class.
    /// </summary>
    /// <param name="dataset">The samples to split.</param>
    /// <param name="trainFraction">Share of every class that goes to train, strictly between 0 and 1.</param>
    /// <param name="seed">Seed of the <see cref="Random"/> that picks and orders the samples.</param>
    public static DatasetSplit Stratified(Dataset dataset, double trainFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!(trainFraction > 0 && trainFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction, "must be strictly between 0 and 1");

        var rng = new Random(seed);
        var byClass = new List<int>[dataset.Classes];
        for (int c = 0; c < byClass.Length; c++) byClass[c] = [];
        for (int i = 0; i < dataset.Samples; i++) byClass[dataset.Labels[i]].Add(i);

        var train = new List<int>();
        var test = new List<int>();
        foreach (var members in byClass)
        {
            int[] m = [.. members];
            rng.Shuffle(m);
            int take = (int)Math.Round(m.Length * trainFraction, MidpointRounding.AwayFromZero);
            if (m.Length >= 2) take = Math.Clamp(take, 1, m.Length - 1);
            train.AddRange(m.Take(take));
            test.AddRange(m.Skip(take));
        }
        if (train.Count == 0 || test.Count == 0)
            throw new DataFormatException(dataset.Name, $"too few samples ({dataset.Samples}) to split into train and test");
        int[] trainOrder = [.. train], testOrder = [.. test];
        rng.Shuffle(trainOrder);
        rng.Shuffle(testOrder);
        return new DatasetSplit(dataset.Subset(trainOrder, dataset.Name + " [train]"), dataset.Subset(testOrder, dataset.Name + " [test]"));
    }
}
