namespace SetGpu.Data;

/// <summary>
/// Builds a <see cref="Dataset"/> from data already in memory. Labels are class indices 0..classes-1; the number of
/// classes defaults to the largest label + 1. Every value is checked as by the <see cref="Dataset"/> constructor.
/// </summary>
public static class DatasetBuilder
{
    /// <summary>A dataset of the rows of <paramref name="features"/> (samples × features), one label per row.</summary>
    /// <param name="features">One sample per row.</param>
    /// <param name="labels">Class index of every row.</param>
    /// <param name="classes">Number of classes; null for the largest label + 1.</param>
    /// <param name="name">Named in error messages.</param>
    /// <exception cref="DataFormatException">Row and label counts differ, a label is negative or out of range, a value is not finite.</exception>
    public static Dataset FromMatrix(float[,] features, IReadOnlyList<int> labels, int? classes = null, string name = "matrix")
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        int rows = features.GetLength(0), columns = features.GetLength(1);
        if (labels.Count != rows)
            throw new DataFormatException(name, $"row count mismatch: {rows} rows of features but {labels.Count} labels");
        var flat = new float[features.LongLength];
        // A float[,] is stored row-major already: one block copy.
        Buffer.BlockCopy(features, 0, flat, 0, checked((int)(flat.LongLength * sizeof(float))));
        int[] copy = [.. labels];
        return new Dataset(name, flat, copy, columns, classes ?? Classes(copy, name));
    }

    /// <summary>
    /// A dataset of <paramref name="samples"/>, read once in order (a stream of rows works); every sample must have as
    /// many features as the first.
    /// </summary>
    /// <exception cref="DataFormatException">No samples, a sample of another length, a label out of range, a value not finite.</exception>
    public static Dataset FromSamples(IEnumerable<(float[] features, int label)> samples, int? classes = null, string name = "samples")
    {
        ArgumentNullException.ThrowIfNull(samples);
        var values = new List<float>();
        var labels = new List<int>();
        int width = -1;
        foreach (var (features, label) in samples)
        {
            if (features is null) throw new DataFormatException(name, $"sample {labels.Count} has no features (null)");
            if (width < 0) width = features.Length;
            else if (features.Length != width)
                throw new DataFormatException(name, $"sample {labels.Count} has {features.Length} features where sample 0 has {width}");
            values.AddRange(features);
            labels.Add(label);
        }
        if (labels.Count == 0) throw new DataFormatException(name, "the dataset has no samples");
        int[] labelArray = [.. labels];
        return new Dataset(name, [.. values], labelArray, width, classes ?? Classes(labelArray, name));
    }

    static int Classes(int[] labels, string name)
    {
        int min = labels.Min();
        if (min < 0) throw new DataFormatException(name, $"label of sample {Array.IndexOf(labels, min)} is {min}; labels are class indices from 0");
        return labels.Max() + 1;
    }
}
