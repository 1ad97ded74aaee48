namespace SetGpu.Cli.Plots;

/// <summary>A short name for a report's dataset (which is the file the data came from) in titles.</summary>
internal static class DatasetLabel
{
    /// <summary>"COIL20" for ".../COIL20.mat [train]", "mnist" for ".../mnist/train-images-idx3-ubyte.gz", the name itself otherwise.</summary>
    public static string Of(string dataset)
    {
        string path = dataset.EndsWith(']') && dataset.LastIndexOf(" [", StringComparison.Ordinal) is int i and > 0 ? dataset[..i] : dataset;
        string stem = Path.GetFileName(path);
        while (Path.GetExtension(stem) is { Length: > 0 } ext && ext.Length <= 5) stem = stem[..^ext.Length];
        // IDX files are named for their part, not their dataset: the folder says which dataset it is.
        if (stem.Contains("-idx", StringComparison.Ordinal) && Path.GetFileName(Path.GetDirectoryName(path)) is { Length: > 0 } folder)
            return folder;
        return stem;
    }
}
