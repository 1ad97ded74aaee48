namespace SetGpu.Data;

/// <summary>A dataset the catalog can resolve by name.</summary>
/// <param name="Name">Canonical name.</param>
/// <param name="Aliases">Other accepted names.</param>
/// <param name="Description">Content and shape, one line.</param>
/// <param name="HasOfficialTestSplit">False when the catalog makes a stratified split.</param>
/// <param name="CanDownload">True when a canonical download source is known.</param>
/// <param name="Files">Paths of its files below a data folder (empty for generated data).</param>
public sealed record DatasetInfo(string Name, IReadOnlyList<string> Aliases, string Description,
                                 bool HasOfficialTestSplit, bool CanDownload, IReadOnlyList<string> Files);

/// <summary>
/// Resolves a dataset name (mnist, coil20, isolet, synthetic …) or a path to a .mat file into a train/test split.
/// Files are looked for in <see cref="SearchDirectories"/>, in order (each laid out like the project's shared data
/// folder: COIL20.mat, mnist/…, fashion-mnist/…, madelon/…, asu/Isolet.mat …); when absent they are downloaded into
/// the cache and checked against embedded SHA-256 checksums. Datasets without an official test split get a
/// stratified split (<see cref="DatasetSplits.Stratified"/>) drawn with the given seed.
/// </summary>
public sealed class DatasetCatalog(DatasetCatalogOptions? options = null)
{
    private readonly DatasetCatalogOptions _options = options ?? new DatasetCatalogOptions();

    /// <summary>Every dataset known by name.</summary>
    public static IReadOnlyList<DatasetInfo> Datasets { get; } = DatasetSources.Entries
        .Select(e => new DatasetInfo(e.Name, e.Aliases, e.Description, e.HasOfficialTestSplit, e.BaseUrl is not null,
                                     e.Files.Select(f => f.Path).ToArray()))
        .ToArray();

    /// <summary>The folders searched, in order: data directory, SETGPU_DATA, system folders, cache.</summary>
    public IReadOnlyList<string> SearchDirectories =>
        new[] { _options.DataDirectory, _options.EnvironmentDirectory }
            .Concat(_options.SystemDirectories)
            .Append(_options.CacheDirectory)
            .Where(d => !string.IsNullOrEmpty(d))
            .Select(d => Path.GetFullPath(d!))
            .Distinct()
            .ToArray();

    /// <summary>Synchronous <see cref="LoadAsync"/>, for command-line use.</summary>
    public DatasetSplit Load(string nameOrPath, int seed, double trainFraction = DatasetSplits.DefaultTrainFraction) =>
        LoadAsync(nameOrPath, seed, trainFraction).GetAwaiter().GetResult();

    /// <summary>
    /// Loads a dataset by catalog name, or from a path: a .mat file (X and Y variables), a CSV/TSV, .npz or .npy file
    /// read as <see cref="DataFiles"/> says with <see cref="DatasetCatalogOptions.Files"/>, or a folder holding MNIST-style
    /// IDX files, Madelon text files or X.npy and y.npy.
    /// </summary>
    /// <param name="nameOrPath">A name of <see cref="Datasets"/> (case, '-' and '_' ignored) or a path.</param>
    /// <param name="seed">Seed of the stratified split for datasets without an official one.</param>
    /// <param name="trainFraction">Share of each class that goes to train in a stratified split.</param>
    /// <param name="cancellationToken">Cancels downloads.</param>
    /// <exception cref="DataFormatException">Unknown name, missing files (the message lists where it looked),
    /// failed or mismatching downloads, malformed files.</exception>
    public async Task<DatasetSplit> LoadAsync(string nameOrPath, int seed, double trainFraction = DatasetSplits.DefaultTrainFraction,
                                              CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        bool looksLikePath = nameOrPath.EndsWith(".mat", StringComparison.OrdinalIgnoreCase) || DataFiles.Handles(nameOrPath)
                             || nameOrPath.Contains('/') || nameOrPath.Contains(Path.DirectorySeparatorChar);
        var entry = looksLikePath ? null : DatasetSources.Find(nameOrPath);
        if (entry is null) return LoadPath(nameOrPath, seed, trainFraction, _options.Files);

        if (entry.Generate is { } generate)
            return DatasetSplits.Stratified(generate(), trainFraction, seed);

        string root = await EnsureFilesAsync(entry, cancellationToken).ConfigureAwait(false);
        switch (entry.Format)
        {
            case SourceFormat.Idx:
                return MnistLoader.Load(Path.GetDirectoryName(Path.Combine(root, entry.Files[0].Path))!);
            case SourceFormat.Madelon:
                return MadelonReader.Load(Path.GetDirectoryName(Path.Combine(root, entry.Files[0].Path))!);
            default:
                var file = MatFile.Read(Path.Combine(root, entry.Files[0].Path));
                // A user's copy may differ from the reference one; claim the image shape only where it fits.
                var shape = entry.ImageShape is { } s && file.Arrays.TryGetValue("X", out var x) && x.Columns == s.Height * s.Width
                    ? entry.ImageShape : null;
                var data = MatDataset.FromFile(file, shape, pixelOrder: entry.PixelOrder);
                return DatasetSplits.Stratified(data, trainFraction, seed);
        }
    }

    /// <summary>The first search folder that holds all files of the named dataset, or null (generated data: null).</summary>
    public string? Locate(string name)
    {
        var entry = DatasetSources.Find(name) ?? throw UnknownName(name);
        return entry.Files.Length == 0 ? null : SearchDirectories.FirstOrDefault(d => entry.Files.All(f => Exists(d, f)));
    }

    private static DatasetSplit LoadPath(string path, int seed, double trainFraction, DataFileOptions files)
    {
        if (DataFiles.Handles(path) || (Directory.Exists(path) && DataFiles.IsNpyFolder(path, files)))
            return DatasetSplits.Stratified(DataFiles.Load(path, files), trainFraction, seed);
        if (File.Exists(path))
            return DatasetSplits.Stratified(MatDataset.Load(path), trainFraction, seed);
        if (Directory.Exists(path))
        {
            if (MnistLoader.IsComplete(path)) return MnistLoader.Load(path);
            if (MadelonReader.FileNames.All(n => File.Exists(Path.Combine(path, n)))) return MadelonReader.Load(path);
            throw new DataFormatException(path, $"the folder holds neither MNIST-style IDX files, Madelon files nor {files.FeaturesArray}.npy and {files.LabelsArray}.npy");
        }
        if (path.EndsWith(".mat", StringComparison.OrdinalIgnoreCase) || path.Contains('/') || path.Contains(Path.DirectorySeparatorChar))
            throw new DataFormatException(path, "file not found");
        throw UnknownName(path);
    }

    private static DataFormatException UnknownName(string name) => new(name,
        $"unknown dataset; known names: {string.Join(", ", DatasetSources.Entries.Select(e => e.Name))}; or give the path of a .mat, .csv, .tsv, .npz or .npy file");

    /// <summary>Finds a folder holding every file, downloading into the cache what is missing there.</summary>
    private async Task<string> EnsureFilesAsync(CatalogEntry entry, CancellationToken ct)
    {
        var searched = SearchDirectories;
        string? found = searched.FirstOrDefault(d => entry.Files.All(f => Exists(d, f)));
        if (found is not null) return found;

        string? baseUrl = _options.DownloadBaseUrl?.ToString() ?? entry.BaseUrl;
        if (!_options.AllowDownload || baseUrl is null)
        {
            string why = !_options.AllowDownload ? "downloads are disabled" : "no download source is known for it";
            throw new DataFormatException(entry.Name,
                $"not found: looked for {string.Join(", ", entry.Files.Select(f => f.Path))} in {string.Join(", ", searched)}; {why}");
        }

        if (!baseUrl.EndsWith('/')) baseUrl += "/";
        string cache = Path.GetFullPath(_options.CacheDirectory);
        var client = _options.HttpClient ?? new HttpClient { Timeout = _options.DownloadTimeout };
        try
        {
            var downloader = new DatasetDownloader(client, _options.Log);
            foreach (var file in entry.Files.Where(f => !Exists(cache, f)))
                await downloader.DownloadAsync(new Uri(new Uri(baseUrl), file.RemoteName), Path.Combine(cache, file.Path), file, ct)
                    .ConfigureAwait(false);
        }
        finally
        {
            if (_options.HttpClient is null) client.Dispose();
        }
        return cache;
    }

    /// <summary>A .gz file also counts as present when its uncompressed sibling is (MnistLoader reads either).</summary>
    private static bool Exists(string root, CatalogFile file)
    {
        string path = Path.Combine(root, file.Path);
        return File.Exists(path) || (path.EndsWith(".gz", StringComparison.Ordinal) && File.Exists(path[..^3]));
    }
}
