namespace SetGpu;

/// <summary>
/// The batch size and learning rate the command line picks when neither is given, from the size of the training split.
/// At a fixed batch of 32 a training split of a few hundred samples makes 4 to 10 steps an epoch, too few for any
/// output to leave its starting point in 10 epochs (lung-reference-style, 135 samples, stays at the majority class
/// with every MSE output); smaller batches give more steps, and the square-root rule lowers the rate with the batch so
/// that the noisier steps do not diverge (Arcene, 10,000 inputs, diverges at batch 4 and rate 0.01). Measured in
/// docs/results.md, "Defaults".
/// </summary>
public static class SmallDataDefaults
{
    /// <summary>The fewest training steps an epoch should take before the batch shrinks below <see cref="LargestBatch"/>.</summary>
    public const int StepsPerEpoch = 64;

    /// <summary>The batch of a split large enough to make <see cref="StepsPerEpoch"/> steps at it.</summary>
    public const int LargestBatch = 32;

    /// <summary>The smallest batch the rule picks: below it a step's gradient is too noisy at the default rate.</summary>
    public const int SmallestBatch = 4;

    /// <summary>⌊samples / 64⌋ between 4 and 32, and never more than the samples.</summary>
    public static int BatchSize(int trainingSamples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainingSamples, 1);
        return Math.Min(trainingSamples, Math.Clamp(trainingSamples / StepsPerEpoch, SmallestBatch, LargestBatch));
    }

    /// <summary><paramref name="rateAtLargestBatch"/> · √(batch / 32): the square-root scaling of the rate with the batch.</summary>
    public static float LearningRate(float rateAtLargestBatch, int batchSize) =>
        rateAtLargestBatch * MathF.Sqrt(Math.Min(batchSize, LargestBatch) / (float)LargestBatch);
}
