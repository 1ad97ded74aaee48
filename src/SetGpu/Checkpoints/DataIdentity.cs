using System.Runtime.InteropServices;
using System.Security.Cryptography;
using SetGpu.Data;

namespace SetGpu.Checkpoints;

/// <summary>
/// Which data a run trains on, kept in its checkpoints so that a resumed run can check it continues on the same data:
/// the name it was asked for, the split seed and standardisation, the shapes, and a fingerprint of the very values
/// (features and labels of both splits, after standardisation).
/// </summary>
public sealed record DataIdentity
{
    /// <summary>The dataset as it was asked for (catalog name or file).</summary>
    public required string Name { get; init; }
    /// <summary>Seed of the stratified train/test split (unused by datasets with an official split).</summary>
    public int SplitSeed { get; init; }
    /// <summary>The standardisation applied (as the command line names it: auto, per-feature, global, none).</summary>
    public string Standardization { get; init; } = "none";
    /// <summary>The fraction of the training split held out for validation (stratified, keyed by the split seed).</summary>
    public double ValidationFraction { get; init; }
    /// <summary>Training samples.</summary>
    public int TrainSamples { get; init; }
    /// <summary>Test samples.</summary>
    public int TestSamples { get; init; }
    /// <summary>Features per sample.</summary>
    public int Features { get; init; }
    /// <summary>Classes.</summary>
    public int Classes { get; init; }
    /// <summary>SHA-256 (hex) of the features and labels of the training split, then of the test split.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>
    /// The identity of <paramref name="data"/> (hashes every value once: about a second per GB), before a validation
    /// split of <paramref name="validationFraction"/> is taken from its training part.
    /// </summary>
    public static DataIdentity Of(DatasetSplit data, string name, int splitSeed, string standardization, double validationFraction = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in new[] { data.Train, data.Test })
        {
            hash.AppendData(MemoryMarshal.AsBytes(part.Features.AsSpan()));
            hash.AppendData(MemoryMarshal.AsBytes(part.Labels.AsSpan()));
        }
        return new DataIdentity
        {
            Name = name,
            SplitSeed = splitSeed,
            Standardization = standardization,
            ValidationFraction = validationFraction,
            TrainSamples = data.Train.Samples,
            TestSamples = data.Test.Samples,
            Features = data.Train.FeatureCount,
            Classes = data.Train.Classes,
            Fingerprint = Convert.ToHexStringLower(hash.GetHashAndReset()),
        };
    }

    /// <summary>
    /// The fields in which <paramref name="current"/> differs from this identity (the checkpoint's), one phrase each,
    /// shapes before the fingerprint; empty when the data are the same.
    /// </summary>
    public IReadOnlyList<string> Differences(DataIdentity current)
    {
        var list = new List<string>();
        void Check<T>(string field, T mine, T theirs)
        {
            if (!EqualityComparer<T>.Default.Equals(mine, theirs))
                list.Add($"{field}: the checkpoint has {mine}, the data given have {theirs}");
        }
        Check("dataset", Name, current.Name);
        Check("split seed", SplitSeed, current.SplitSeed);
        Check("standardization", Standardization, current.Standardization);
        Check("validation fraction", ValidationFraction, current.ValidationFraction);
        Check("training samples", TrainSamples, current.TrainSamples);
        Check("test samples", TestSamples, current.TestSamples);
        Check("features", Features, current.Features);
        Check("classes", Classes, current.Classes);
        if (list.Count == 0 && Fingerprint != current.Fingerprint)
            list.Add($"data fingerprint: the checkpoint has {Fingerprint[..16]}…, the data given have {current.Fingerprint[..16]}… " +
                     "(same shapes, different values: another copy or version of the file?)");
        return list;
    }
}
