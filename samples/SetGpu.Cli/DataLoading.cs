using SetGpu.Data;

namespace SetGpu.Cli;

/// <summary>Resolves --dataset through the catalog, then standardises with training-split statistics.</summary>
internal static class DataLoading
{
    public static DatasetSplit Load(string nameOrPath, string? dataDir, ulong seed, bool standardize)
    {
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = dataDir, Log = Console.Error });
        var split = catalog.Load(nameOrPath, unchecked((int)seed));
        return standardize ? Standardizer.FitTransform(split) : split;
    }
}
