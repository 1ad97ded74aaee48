using System.Globalization;
using nietras.SeparatedValues;

namespace SetGpu.Data;

/// <summary>
/// Reads a CSV (or, by its extension, TSV) file of numeric features and one label column, streaming: a first pass
/// counts the rows, so the second writes every value straight into one float32 array of the exact size and no row
/// is ever kept as text. Quoted cells (RFC 4180) are unquoted; blank lines are skipped.
/// </summary>
internal static class CsvTableReader
{
    /// <exception cref="DataFormatException">The file is missing, empty or ragged, the label column does not exist,
    /// or a feature cell is not a finite number; the message names the line, the column and the cell.</exception>
    public static LabelledTable Read(string path, DataFileOptions options)
    {
        var (rows, columns, names) = Survey(path, options);
        int label = LabelIndex(path, options.Label, columns, names);
        int featureCount = columns - 1;
        if ((long)rows * featureCount > Array.MaxLength)
            throw new DataFormatException(path, $"{rows} rows × {featureCount} features is too large for one float32 array");

        var features = new float[(long)rows * featureCount];
        var labels = new LabelColumn(rows);
        using var reader = Open(path);
        int r = 0;
        bool header = names is not null;
        foreach (var row in reader)
        {
            if (row.Span.IsEmpty) continue;
            if (header) { header = false; continue; }
            var destination = features.AsSpan(r * featureCount, featureCount);
            for (int c = 0, f = 0; c < columns; c++)
            {
                var cell = row[c];
                if (c == label) { labels.Set(r, cell.Span); continue; }
                if (!cell.TryParse(out float v) && !float.TryParse(cell.Span.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v))
                    throw CellError(path, LineOf(row), c, names, cell.Span, "is not a number");
                if (!float.IsFinite(v))
                    throw CellError(path, LineOf(row), c, names, cell.Span, "is not a finite float32");
                destination[f++] = v;
            }
            r++;
        }
        return new LabelledTable(path, features, rows, featureCount, labels);
    }

    /// <summary>First pass: data rows, columns (every row must have as many) and the header's names (null without one).</summary>
    static (int Rows, int Columns, List<string>? Names) Survey(string path, DataFileOptions options)
    {
        using var reader = Open(path);
        List<string>? names = null;
        int columns = -1, rows = 0, firstLine = 1;
        foreach (var row in reader)
        {
            if (row.Span.IsEmpty) continue;
            if (options.HasHeader && names is null)
            {
                // The header is read here rather than by Sep, which refuses repeated column names: features may
                // share a name; only a label chosen by a repeated name is ambiguous (LabelIndex).
                names = new List<string>(row.ColCount);
                for (int c = 0; c < row.ColCount; c++) names.Add(row[c].ToString());
                columns = names.Count;
                continue;
            }
            if (columns < 0) { columns = row.ColCount; firstLine = LineOf(row); }
            else if (row.ColCount != columns)
                throw new DataFormatException(path,
                    $"line {LineOf(row)}: {row.ColCount} columns where {(names is null ? $"line {firstLine}" : "the header")} has {columns} (a ragged row)");
            rows++;
        }
        if (rows == 0)
            throw new DataFormatException(path, names is null ? "the file is empty: no rows" : "the file has a header but no data rows");
        if (columns < 2)
            throw new DataFormatException(path, $"{columns} column; a dataset needs at least one feature column and a label column");
        return (rows, columns, names);
    }

    /// <summary>
    /// The 1-based line a row starts on. Sep 0.17.1 reports line 2 for the first row of a file read without a header
    /// (that row is read twice, once to find the column count); every later row's number is right.
    /// </summary>
    static int LineOf(SepReader.Row row) => row.RowIndex == 0 ? 1 : row.LineNumberFrom;

    static SepReader Open(string path)
    {
        char separator = Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';
        try
        {
            return Sep.New(separator).Reader(o => o with
            {
                HasHeader = false, // the header row is ours to read (Survey)
                DisableColCountCheck = true, // checked here, to name the line in our own words
                Unescape = true,
                CultureInfo = CultureInfo.InvariantCulture,
            }).FromFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot read the file ({e.Message})", e);
        }
    }

    /// <summary>
    /// The label column's 0-based index: by header name, else a 1-based column number as error messages count them
    /// (negative from the end: -1 is the last), else the last column.
    /// </summary>
    static int LabelIndex(string path, string? label, int columns, List<string>? names)
    {
        if (label is null) return columns - 1;
        if (names is not null && names.Contains(label))
        {
            int first = names.IndexOf(label), last = names.LastIndexOf(label);
            return first == last ? first : throw new DataFormatException(path,
                $"the label column '{label}' is ambiguous: columns {first + 1} and {last + 1} have that name; give its number");
        }
        if (int.TryParse(label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int index)
            && index != 0 && index >= -columns && index <= columns)
            return index < 0 ? columns + index : index - 1;
        string known = names is null ? "the file has no header, so give a column number, 1 for the first" : $"columns: {string.Join(", ", names)}";
        throw new DataFormatException(path, $"no label column '{label}' among {columns} columns ({known})");
    }

    static DataFormatException CellError(string path, int line, int column, List<string>? names, ReadOnlySpan<char> cell, string problem)
    {
        string name = names is null ? "" : $" ({names[column]})";
        string text = cell.Length > 40 ? $"{cell[..40]}…" : cell.ToString();
        return new DataFormatException(path, $"line {line}, column {column + 1}{name}: \"{text}\" {problem}");
    }
}
