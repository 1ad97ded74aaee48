using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>Resolves --dataset through the catalog, standardises with training-split statistics and holds out the validation split.</summary>
internal static class DataLoading
{
    /// <summary>A run's data: the splits it trains, chooses and reports on, the standardizer fitted (null for none) and the catalog split it came from.</summary>
    public sealed record RunData(TrainingData Splits, Standardizer? Scaling, DatasetSplit Standardized);

    /// <summary>
    /// The split, standardised as <paramref name="standardize"/> says (statistics of the whole training part, before the
    /// validation split is taken from it), with <paramref name="validation"/> of the training part held out, stratified.
    /// </summary>
    public static RunData Load(string nameOrPath, string? dataDir, ulong seed, string standardize, double validation,
                               DataFileOptions? files = null, string? test = null)
    {
        var split = LoadRaw(nameOrPath, dataDir, seed, files, test);
        var mode = standardize switch
        {
            "none" => (StandardizationMode?)null,
            "auto" => StandardizationMode.Auto,
            "per-feature" => StandardizationMode.PerFeature,
            "global" => StandardizationMode.Global,
            "shared-scale" => StandardizationMode.SharedScale,
            _ => throw new ArgumentException($"--standardize: '{standardize}' is not auto, per-feature, global, shared-scale or none"),
        };
        Standardizer? scaling = null;
        if (mode is not null)
        {
            if (mode == StandardizationMode.Auto)
            {
                var (resolved, why) = Standardizer.Resolve(split.Train, mode.Value);
                Console.WriteLine($"standardize: {OptionName(resolved)} (auto: {why})");
                mode = resolved;
            }
            scaling = Standardizer.Fit(split.Train, mode.Value);
            split = new DatasetSplit(scaling.Transform(split.Train), scaling.Transform(split.Test));
        }
        return new RunData(TrainingData.From(split, validation, SplitSeed(seed)), scaling, split);
    }

    /// <summary>The <c>--standardize</c> value of a resolved mode.</summary>
    static string OptionName(StandardizationMode mode) => mode switch
    {
        StandardizationMode.PerFeature => "per-feature",
        StandardizationMode.Global => "global",
        StandardizationMode.SharedScale => "shared-scale",
        _ => "auto",
    };

    /// <summary>
    /// The split as read, not standardised; <paramref name="seed"/> draws the stratified split where there is no official
    /// one. With <paramref name="test"/> the test split is that file's samples, and all of <paramref name="nameOrPath"/>'s train.
    /// </summary>
    public static DatasetSplit LoadRaw(string nameOrPath, string? dataDir, ulong seed, DataFileOptions? files = null, string? test = null)
    {
        files ??= new DataFileOptions();
        if (test is not null)
        {
            if (!DataFiles.Handles(nameOrPath) && !Directory.Exists(nameOrPath))
                throw new ArgumentException($"--test: needs --dataset to be a CSV, NPZ or NPY file, not {nameOrPath}");
            return DataFiles.LoadSplit(nameOrPath, test, files);
        }
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = dataDir, Log = Console.Error, Files = files });
        return catalog.Load(nameOrPath, SplitSeed(seed));
    }

    /// <summary>The identity a checkpoint keeps of the run's data.</summary>
    public static DataIdentity Identity(RunData data, string name, ulong seed, string standardize, double validation) =>
        DataIdentity.Of(data.Standardized, name, SplitSeed(seed), standardize, validation);

    /// <summary>The split seed of a run: its seed, truncated to the catalog's 32 bits.</summary>
    public static int SplitSeed(ulong seed) => unchecked((int)seed);
}
