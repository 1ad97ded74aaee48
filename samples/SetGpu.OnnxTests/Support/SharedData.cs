using SetGpu.Data;

namespace SetGpu.OnnxTests.Support;

/// <summary>
/// The project's real datasets from the read-only shared data folder: $SETGPU_SHARED_DATA, else the first
/// "shared/data" folder beside an ancestor of the test assembly's directory. Never downloaded here.
/// </summary>
internal static class SharedData
{
    static readonly Lazy<string> RootLazy = new(FindRoot);

    public static DatasetSplit Load(string name, int seed = 1) =>
        new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = RootLazy.Value, AllowDownload = false, SystemDirectories = [] })
            .Load(name, seed);

    static string FindRoot()
    {
        string? env = Environment.GetEnvironmentVariable("SETGPU_SHARED_DATA");
        if (!string.IsNullOrEmpty(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"no shared/data folder beside any ancestor of {AppContext.BaseDirectory}; set SETGPU_SHARED_DATA");
    }
}
