using System.Globalization;

namespace SetGpu.Data;

/// <summary>
/// The raw labels of one file while it is read: each row's code (first-seen order) and each code's key, the label's
/// text with integers normalised ("1", "1.0" and "01" are the same class). Classes are decided later, over the train
/// and test files together (<see cref="ClassOrder"/>), so both map a label to the same class.
/// </summary>
internal sealed class LabelColumn(int rows)
{
    readonly Dictionary<string, int> _codeOfKey = new(StringComparer.Ordinal);
    readonly List<string> _keys = [];
    Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> SpanLookup => _codeOfKey.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The code of every row, an index into <see cref="Keys"/>.</summary>
    public int[] Codes { get; } = new int[rows];

    /// <summary>The distinct keys, in first-seen order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>Records the label text of <paramref name="row"/> (a CSV cell).</summary>
    public void Set(int row, ReadOnlySpan<char> text)
    {
        var trimmed = text.Trim();
        // Interning through the span lookup: a label that was seen before allocates nothing.
        if (SpanLookup.TryGetValue(trimmed, out int code)) { Codes[row] = code; return; }
        string key = double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && IsInteger(v)
            ? ((long)v).ToString(CultureInfo.InvariantCulture)
            : trimmed.ToString();
        Codes[row] = Intern(key);
        if (!trimmed.SequenceEqual(key)) _codeOfKey[trimmed.ToString()] = Codes[row]; // "1.0" finds "1" next time
    }

    /// <summary>Records an integer label (a NumPy array's value).</summary>
    public void Set(int row, long value) => Codes[row] = Intern(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Whether a value is an integer a long holds exactly.</summary>
    public static bool IsInteger(double v) => double.IsFinite(v) && v == Math.Floor(v) && Math.Abs(v) < 9.2e18;

    int Intern(string key)
    {
        if (_codeOfKey.TryGetValue(key, out int code)) return code;
        code = _keys.Count;
        _keys.Add(key);
        _codeOfKey[key] = code;
        return code;
    }
}

/// <summary>A file's samples before classes are assigned: row-major float32 features and the raw labels.</summary>
internal sealed record LabelledTable(string Source, float[] Features, int Rows, int Columns, LabelColumn Labels,
                                     (int Height, int Width)? ImageShape = null);

/// <summary>
/// Turns raw labels into class indices 0..C-1, deterministically and independently of row order: when every label is
/// an integer, by numeric value (so 1..C becomes 0..C-1 and -1/+1 becomes 0/1, as for MAT files); otherwise by the
/// labels' text in ordinal (culture-independent) order.
/// </summary>
internal static class ClassOrder
{
    /// <summary>The class names in class order over all <paramref name="tables"/>, and one dataset per table.</summary>
    public static (IReadOnlyList<string> ClassNames, Dataset[] Datasets) Assign(params LabelledTable[] tables)
    {
        var keys = tables.SelectMany(t => t.Labels.Keys).Distinct(StringComparer.Ordinal).ToList();
        bool numeric = keys.All(k => long.TryParse(k, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        if (numeric) keys.Sort((a, b) => long.Parse(a, CultureInfo.InvariantCulture).CompareTo(long.Parse(b, CultureInfo.InvariantCulture)));
        else keys.Sort(StringComparer.Ordinal);
        if (keys.Count < 2)
            throw new DataFormatException(tables[0].Source,
                $"the labels hold a single class ({keys.FirstOrDefault()}); a classifier needs at least 2");
        var classOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < keys.Count; k++) classOf[keys[k]] = k;

        var datasets = new Dataset[tables.Length];
        for (int t = 0; t < tables.Length; t++)
        {
            var table = tables[t];
            var byCode = table.Labels.Keys.Select(k => classOf[k]).ToArray();
            var labels = new int[table.Rows];
            for (int r = 0; r < labels.Length; r++) labels[r] = byCode[table.Labels.Codes[r]];
            datasets[t] = new Dataset(table.Source, table.Features, labels, table.Columns, keys.Count, table.ImageShape);
        }
        return (keys, datasets);
    }
}
