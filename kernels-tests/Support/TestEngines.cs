using SetGpu.Training;

namespace SetGpu.KernelsTests.Support;

/// <summary>Engine calls as the run loop makes them, for tests that drive an engine directly.</summary>
internal static class TestEngines
{
    /// <summary>One whole epoch in one slice at epoch <paramref name="epoch"/>'s step sizes; returns its mean training loss.</summary>
    public static double TrainEpoch(this ISetEngine engine, ReadOnlySpan<int> order, long step, SetSpec spec, int epoch = 0)
    {
        var end = engine.TrainBatches(order, default, step, spec.StepAt(epoch));
        return end.LossSum / ((double)order.Length * engine.LossTermsPerSample);
    }

    /// <summary>The splits of a catalog-style split: train, and test reported.</summary>
    public static TrainingData Splits(this SetGpu.Data.DatasetSplit split) => new(split.Train, Test: split.Test);
}
