using SetGpu.Data;

namespace SetGpu.Cli;

/// <summary>Resolves --dataset into a standardised train/test split.</summary>
internal static class DataLoading
{
    public static DatasetSplit Load(string name, string? dataDir, ulong seed)
    {
        throw new NotImplementedException("waiting for the data layer");
    }
}
