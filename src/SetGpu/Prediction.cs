namespace SetGpu;

/// <summary>
/// A samples × columns matrix of a model's results: the MLP's outputs (softmax probabilities, sigmoids or linear
/// values), the RBM's hidden features. Row-major in <see cref="Values"/>.
/// </summary>
public sealed class Prediction
{
    /// <summary>Wraps <paramref name="values"/> (row-major, samples × <paramref name="columns"/>), taken, not copied.</summary>
    public Prediction(float[] values, int columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (columns < 1 || values.LongLength % columns != 0)
            throw new ArgumentException($"{values.LongLength} values are not whole rows of {columns} columns");
        Values = values;
        Columns = columns;
        Samples = (int)(values.LongLength / columns);
    }

    /// <summary>Rows: one per sample.</summary>
    public int Samples { get; }
    /// <summary>Columns: outputs (MLP) or hidden units (RBM).</summary>
    public int Columns { get; }
    /// <summary>All values, row-major.</summary>
    public float[] Values { get; }

    /// <summary>The value of <paramref name="column"/> for <paramref name="sample"/>.</summary>
    public float this[int sample, int column]
    {
        get
        {
            if ((uint)column >= (uint)Columns) throw new ArgumentOutOfRangeException(nameof(column), column, $"{Columns} columns");
            return Values[(long)sample * Columns + column];
        }
    }

    /// <summary>The row of one sample.</summary>
    public ReadOnlySpan<float> Row(int sample) => Values.AsSpan((int)((long)sample * Columns), Columns);

    /// <summary>The class of every sample: the column of its largest value (the first, on ties).</summary>
    public int[] Classes()
    {
        var classes = new int[Samples];
        for (int s = 0; s < Samples; s++)
        {
            var row = Row(s);
            int best = 0;
            for (int k = 1; k < row.Length; k++) if (row[k] > row[best]) best = k;
            classes[s] = best;
        }
        return classes;
    }

    /// <summary>A copy as a two-dimensional array.</summary>
    public float[,] ToArray()
    {
        var result = new float[Samples, Columns];
        for (int s = 0; s < Samples; s++)
            for (int k = 0; k < Columns; k++) result[s, k] = Values[(long)s * Columns + k];
        return result;
    }
}
