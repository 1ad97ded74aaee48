using System.Globalization;

namespace SetGpu.Data;

/// <summary>Turns raw label values (1..C, -1/+1, any distinct integers) into class indices 0..C-1.</summary>
internal static class LabelMapping
{
    /// <summary>
    /// Maps every label to the rank of its value among the distinct values, so the smallest becomes class 0.
    /// </summary>
    /// <param name="values">Raw labels; each must be a finite integer.</param>
    /// <param name="source">File or dataset named in errors.</param>
    /// <param name="variable">What the values are (for example "Y"), named in errors.</param>
    /// <param name="classValues">The distinct raw values in class order: class k had value classValues[k].</param>
    /// <exception cref="DataFormatException">A label is NaN, infinite or not an integer.</exception>
    public static int[] ToClassIndices(ReadOnlySpan<double> values, string source, string variable, out double[] classValues)
    {
        var distinct = new SortedSet<double>();
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v) || v != Math.Floor(v))
                throw new DataFormatException(source,
                    $"label {variable}({i + 1}) is {v.ToString(CultureInfo.InvariantCulture)}, not an integer class label");
            distinct.Add(v);
        }
        classValues = [.. distinct];
        var index = new Dictionary<double, int>(classValues.Length);
        for (int k = 0; k < classValues.Length; k++) index[classValues[k]] = k;
        var labels = new int[values.Length];
        for (int i = 0; i < labels.Length; i++) labels[i] = index[values[i]];
        return labels;
    }
}
