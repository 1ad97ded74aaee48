using SetGpu.Data;

namespace SetGpu.Training;

/// <summary>The splits a run uses.</summary>
/// <param name="Train">What the model learns from.</param>
/// <param name="Validation">What choices are made on: the best epoch and early stopping (<see cref="SetSpec.Patience"/>).</param>
/// <param name="Test">Evaluated after every epoch and reported, never used for a choice.</param>
public sealed record TrainingData(Dataset Train, Dataset? Validation = null, Dataset? Test = null)
{
    /// <summary>The held-out split the RBM's training subset is sized like and compared to: the test split, else the validation split.</summary>
    public Dataset? HeldOut => Test ?? Validation;

    /// <summary>A catalog split (train and test) with a stratified, seeded validation split taken from its training part.</summary>
    public static TrainingData From(DatasetSplit split, double validationFraction = 0, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentException($"validation fraction must lie in [0, 1), got {validationFraction}");
        if (validationFraction == 0) return new TrainingData(split.Train, null, split.Test);
        var parts = DatasetSplits.Stratified(split.Train, 1 - validationFraction, seed);
        return new TrainingData(Rename(parts.Train, split.Train.Name), Rename(parts.Test, split.Train.Name + " [validation]"), split.Test);
    }

    static Dataset Rename(Dataset data, string name) =>
        new(name, data.Features, data.Labels, data.FeatureCount, data.Classes, data.ImageShape, data.PixelOrder);
}
