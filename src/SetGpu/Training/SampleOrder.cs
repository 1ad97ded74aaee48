using SetGpu.Rng;

namespace SetGpu.Training;

/// <summary>The order in which an epoch visits the training samples.</summary>
public static class SampleOrder
{
    /// <summary>The sample order of an epoch: a Fisher–Yates shuffle drawn from the seed's shuffle stream.</summary>
    public static int[] Shuffled(int samples, ulong seed, int epoch)
    {
        var order = new int[samples];
        for (int i = 0; i < samples; i++) order[i] = i;
        ulong key = CounterRng.Key(seed, RngStream.Shuffle, 0, epoch);
        for (int i = samples - 1; i > 0; i--)
        {
            int j = (int)CounterRng.UniformBelow(CounterRng.Hash(key, (ulong)i), i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
