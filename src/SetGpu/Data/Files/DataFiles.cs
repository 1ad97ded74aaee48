namespace SetGpu.Data;

/// <summary>
/// A user's own data files as datasets: CSV/TSV (numeric features and one label column), NumPy .npz (arrays X and y)
/// and pairs of .npy files. Labels become classes 0..C-1 by numeric value when they are all integers, else by their
/// text in ordinal order; the same for a train file and a test file read together.
/// </summary>
public static class DataFiles
{
    /// <summary>Whether <paramref name="path"/> names a file this class reads (by extension), or a comma-separated .npy pair.</summary>
    public static bool Handles(string path) =>
        path.Contains(',') || Path.GetExtension(path).ToLowerInvariant() is ".csv" or ".tsv" or ".npz" or ".npy";

    /// <summary>Whether <paramref name="folder"/> holds the features and labels .npy files (X.npy and y.npy).</summary>
    public static bool IsNpyFolder(string folder, DataFileOptions? options = null)
    {
        options ??= new DataFileOptions();
        return File.Exists(Path.Combine(folder, options.FeaturesArray + ".npy")) && File.Exists(Path.Combine(folder, options.LabelsArray + ".npy"));
    }

    /// <summary>Loads one file (or .npy pair, or folder holding one) as a dataset.</summary>
    /// <param name="path">data.csv, data.tsv, data.npz, X.npy (labels from y.npy beside it), a folder with X.npy and y.npy,
    /// or "features.npy,labels.npy".</param>
    /// <param name="options">Header, label column and array names; defaults when null.</param>
    /// <exception cref="DataFormatException">The file is missing or malformed; the message names the file, and the line and column or the array.</exception>
    public static Dataset Load(string path, DataFileOptions? options = null) => ClassOrder.Assign(Read(path, options ?? new())).Datasets[0];

    /// <summary>
    /// Loads a training file and a test file of the same format as a split, with one class mapping for both (a class
    /// only one of them holds still gets its index).
    /// </summary>
    /// <exception cref="DataFormatException">Either file is malformed, or their feature counts differ.</exception>
    public static DatasetSplit LoadSplit(string trainPath, string testPath, DataFileOptions? options = null)
    {
        options ??= new DataFileOptions();
        var train = Read(trainPath, options);
        var test = Read(testPath, options);
        if (train.Columns != test.Columns)
            throw new DataFormatException(testPath, $"{test.Columns} features, but the training file {trainPath} has {train.Columns}");
        var datasets = ClassOrder.Assign(train, test).Datasets;
        return new DatasetSplit(datasets[0], datasets[1]);
    }

    /// <summary>The class names in class order of <paramref name="path"/>'s labels (as <see cref="Load"/> assigns them).</summary>
    public static IReadOnlyList<string> ClassNames(string path, DataFileOptions? options = null) =>
        ClassOrder.Assign(Read(path, options ?? new())).ClassNames;

    internal static LabelledTable Read(string path, DataFileOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (path.Contains(','))
        {
            var parts = path.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length != 2) throw new DataFormatException(path, "give two .npy paths, 'features.npy,labels.npy'");
            return NumpyTableReader.ReadPair(Existing(parts[0]), Existing(parts[1]));
        }
        if (Directory.Exists(path))
        {
            if (!IsNpyFolder(path, options))
                throw new DataFormatException(path, $"the folder holds no {options.FeaturesArray}.npy and {options.LabelsArray}.npy");
            return NumpyTableReader.ReadPair(Path.Combine(path, options.FeaturesArray + ".npy"), Path.Combine(path, options.LabelsArray + ".npy"));
        }
        Existing(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" or ".tsv" => CsvTableReader.Read(path, options),
            ".npz" => NumpyTableReader.ReadNpz(path, options),
            ".npy" => NumpyTableReader.ReadPair(path, Existing(NumpyTableReader.LabelsBeside(path, options))),
            _ => throw new DataFormatException(path, "unknown data file type; CSV (.csv, .tsv) and NumPy (.npz, .npy) files are read"),
        };
    }

    static string Existing(string path) => File.Exists(path) ? path : throw new DataFormatException(path, "file not found");
}
