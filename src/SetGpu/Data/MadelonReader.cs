using System.Globalization;

namespace SetGpu.Data;

/// <summary>
/// Reads the UCI / NIPS 2003 Madelon text files: <c>madelon_{train,valid}.data</c> (one sample per line,
/// space-separated numbers) and <c>madelon_{train,valid}.labels</c> (one -1 or +1 per line, mapped to 0 and 1).
/// </summary>
internal static class MadelonReader
{
    /// <summary>The four files the split needs.</summary>
    public static readonly IReadOnlyList<string> FileNames =
        ["madelon_train.data", "madelon_train.labels", "madelon_valid.data", "madelon_valid.labels"];

    /// <summary>
    /// Loads train (2000 × 500) as the training set and valid (600 × 500) as the test set; the official test file
    /// has no published labels, so it is not used.
    /// </summary>
    /// <exception cref="DataFormatException">A file is missing or malformed, or the counts disagree.</exception>
    public static DatasetSplit Load(string directory)
    {
        var train = Load(Path.Combine(directory, FileNames[0]), Path.Combine(directory, FileNames[1]));
        var test = Load(Path.Combine(directory, FileNames[2]), Path.Combine(directory, FileNames[3]));
        if (train.FeatureCount != test.FeatureCount)
            throw new DataFormatException(directory, $"train has {train.FeatureCount} features but valid has {test.FeatureCount}");
        return new DatasetSplit(train, test);
    }

    /// <summary>Loads one data/labels pair.</summary>
    /// <exception cref="DataFormatException">A number is malformed, a row has the wrong column count, a label is not ±1, or the counts disagree.</exception>
    public static Dataset Load(string dataPath, string labelsPath)
    {
        var (values, rows, cols) = ReadData(dataPath);
        int[] labels = ReadLabels(labelsPath);
        if (labels.Length != rows)
            throw new DataFormatException(labelsPath, $"count mismatch: {labels.Length} labels but {rows} samples in {Path.GetFileName(dataPath)}");
        return new Dataset(dataPath, values, labels, cols, 2);
    }

    /// <summary>Reads a whitespace-separated numeric table; every non-blank line must have the same number of values.</summary>
    public static (float[] Values, int Rows, int Columns) ReadData(string path)
    {
        var values = new List<float>();
        int cols = -1, rows = 0, lineNo = 0;
        foreach (string line in ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            int count = 0;
            var rest = line.AsSpan();
            while (true)
            {
                rest = rest.TrimStart();
                if (rest.IsEmpty) break;
                int end = rest.IndexOfAny(' ', '\t');
                var token = end < 0 ? rest : rest[..end];
                rest = end < 0 ? default : rest[end..];
                count++;
                if (!float.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw new DataFormatException(path, $"line {lineNo}, column {count}: \"{token}\" is not a finite number");
                values.Add(v);
            }
            if (cols < 0) cols = count;
            else if (count != cols)
                throw new DataFormatException(path, $"line {lineNo}: wrong column count, {count} values where line 1 has {cols}");
            rows++;
        }
        if (rows == 0) throw new DataFormatException(path, "the file holds no samples");
        return (values.ToArray(), rows, cols);
    }

    /// <summary>Reads one -1/+1 label per non-blank line, mapped to 0/1.</summary>
    public static int[] ReadLabels(string path)
    {
        var labels = new List<int>();
        int lineNo = 0;
        foreach (string line in ReadLines(path))
        {
            lineNo++;
            var t = line.AsSpan().Trim();
            if (t.IsEmpty) continue;
            if (!int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v))
                throw new DataFormatException(path, $"line {lineNo}: \"{t}\" is not a number");
            labels.Add(v switch
            {
                -1 => 0,
                1 => 1,
                _ => throw new DataFormatException(path, $"line {lineNo}: label {v} is out of range; Madelon labels are -1 or +1"),
            });
        }
        if (labels.Count == 0) throw new DataFormatException(path, "the file holds no labels");
        return [.. labels];
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot read the file ({e.Message})", e);
        }
    }
}
