using SetGpu.Data;

namespace SetGpu.Cli;

/// <summary>Resolves --dataset through the catalog, then standardises with training-split statistics.</summary>
internal static class DataLoading
{
    public static DatasetSplit Load(string nameOrPath, string? dataDir, ulong seed, string standardize)
    {
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = dataDir, Log = Console.Error });
        var split = catalog.Load(nameOrPath, unchecked((int)seed));
        return standardize switch
        {
            "none" => split,
            "auto" => Standardizer.FitTransform(split, StandardizationMode.Auto),
            "per-feature" => Standardizer.FitTransform(split, StandardizationMode.PerFeature),
            "global" => Standardizer.FitTransform(split, StandardizationMode.Global),
            _ => throw new ArgumentException($"--standardize: '{standardize}' is not auto, per-feature, global or none"),
        };
    }
}
