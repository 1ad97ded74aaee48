namespace SetGpu.Data;

/// <summary>Where <see cref="DatasetCatalog"/> looks for data and whether and how it downloads.</summary>
public sealed record DatasetCatalogOptions
{
    /// <summary>Searched first (the trainer's --data-dir); laid out like the project's shared data folder.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Searched second; defaults to the SETGPU_DATA environment variable.</summary>
    public string? EnvironmentDirectory { get; init; } = Environment.GetEnvironmentVariable("SETGPU_DATA") is { Length: > 0 } v ? v : null;

    /// <summary>Searched third; defaults to /usr/share/datasets, where Debian's dataset-* packages install.</summary>
    public IReadOnlyList<string> SystemDirectories { get; init; } = ["/usr/share/datasets"];

    /// <summary>Searched last and where downloads go; defaults to $XDG_CACHE_HOME/setgpu or ~/.cache/setgpu.</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory();

    /// <summary>Whether missing files may be downloaded from their canonical source into <see cref="CacheDirectory"/>.</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>
    /// Replaces every dataset's download base URL (a mirror, or a local server in tests); file names below it are
    /// the canonical ones, e.g. "COIL20.mat" or "train-images-idx3-ubyte.gz".
    /// </summary>
    public Uri? DownloadBaseUrl { get; init; }

    /// <summary>Client used for downloads; when null the catalog creates one with <see cref="DownloadTimeout"/>.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Time limit of one file's download when the catalog creates its own client.</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How a user's CSV, NPZ and NPY files are read (header, label column, array names).</summary>
    public DataFileOptions Files { get; init; } = new();

    /// <summary>Receives one line per download; null for silence.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>$XDG_CACHE_HOME/setgpu when that variable is set, else ~/.cache/setgpu.</summary>
    public static string DefaultCacheDirectory()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "setgpu");
    }
}
