using SetGpu.Data;

namespace SetGpu.Cli;

/// <summary>Resolves --dataset through the catalog, then standardises with training-split statistics.</summary>
internal static class DataLoading
{
    /// <summary>The split, standardised as <paramref name="standardize"/> says, with the standardizer fitted (null for none).</summary>
    public static (DatasetSplit Data, Standardizer? Scaling) Load(string nameOrPath, string? dataDir, ulong seed, string standardize)
    {
        var split = LoadRaw(nameOrPath, dataDir, seed);
        var mode = standardize switch
        {
            "none" => (StandardizationMode?)null,
            "auto" => StandardizationMode.Auto,
            "per-feature" => StandardizationMode.PerFeature,
            "global" => StandardizationMode.Global,
            _ => throw new ArgumentException($"--standardize: '{standardize}' is not auto, per-feature, global or none"),
        };
        if (mode is null) return (split, null);
        var scaling = Standardizer.Fit(split.Train, mode.Value);
        return (new DatasetSplit(scaling.Transform(split.Train), scaling.Transform(split.Test)), scaling);
    }

    /// <summary>The split as read, not standardised; <paramref name="seed"/> draws the stratified split where there is no official one.</summary>
    public static DatasetSplit LoadRaw(string nameOrPath, string? dataDir, ulong seed)
    {
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = dataDir, Log = Console.Error });
        return catalog.Load(nameOrPath, SplitSeed(seed));
    }

    /// <summary>The split seed of a run: its seed, truncated to the catalog's 32 bits.</summary>
    public static int SplitSeed(ulong seed) => unchecked((int)seed);
}
