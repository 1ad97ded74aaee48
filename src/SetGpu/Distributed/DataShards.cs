using SetGpu.Training;

namespace SetGpu.Distributed;

/// <summary>Which samples each rank trains on: recomputed from (seed, epoch, ranks), so any number of ranks can resume a run.</summary>
internal static class DataShards
{
    /// <summary>
    /// Sync mode: the epoch's global order (the one a single process uses) cut into global batches of ranks × batch
    /// samples; rank r takes positions [r·batch, (r+1)·batch) of each. Returns its samples in order and its count in
    /// each global batch (only the last global batch can give a rank fewer than <paramref name="batch"/>, or none).
    /// </summary>
    public static (int[] Order, int[] Counts) SyncSlices(int[] globalOrder, int batch, int rank, int ranks)
    {
        int global = batch * ranks, batches = (globalOrder.Length + global - 1) / global;
        var counts = new int[batches];
        var order = new List<int>(globalOrder.Length / ranks + batch);
        for (int k = 0; k < batches; k++)
        {
            int start = k * global + rank * batch;
            int count = Math.Clamp(globalOrder.Length - start, 0, batch);
            counts[k] = count;
            for (int i = 0; i < count; i++) order.Add(globalOrder[start + i]);
        }
        return (order.ToArray(), counts);
    }

    /// <summary>Samples of the global batch <paramref name="k"/>.</summary>
    public static int GlobalCount(int samples, int batch, int ranks, int k) => Math.Min(batch * ranks, samples - k * batch * ranks);

    /// <summary>Local SGD: rank r's fixed shard, every ranks-th sample of a seeded permutation (sizes differ by at most one).</summary>
    public static int[] Shard(int samples, ulong seed, int rank, int ranks)
    {
        var permutation = SampleOrder.Shuffled(samples, seed ^ ShardKey, 0);
        var shard = new List<int>(samples / ranks + 1);
        for (int i = rank; i < samples; i += ranks) shard.Add(permutation[i]);
        return shard.ToArray();
    }

    /// <summary>Local SGD: the epoch's order of a shard.</summary>
    public static int[] ShardOrder(int[] shard, ulong seed, int epoch)
    {
        var order = SampleOrder.Shuffled(shard.Length, seed, epoch);
        for (int i = 0; i < order.Length; i++) order[i] = shard[order[i]];
        return order;
    }

    /// <summary>Local SGD: the largest shard's batches per epoch (every rank takes part in as many averaging rounds).</summary>
    public static int LocalSgdBatches(int samples, int batch, int ranks) => ((samples + ranks - 1) / ranks + batch - 1) / batch;

    /// <summary>
    /// Refuses a run in which some rank would train on nothing (every rank computes the same verdict, before training).
    /// </summary>
    public static void CheckNotEmpty(DistributedMode mode, int samples, int batch, int ranks)
    {
        if (mode == DistributedMode.Sync && samples <= (ranks - 1) * batch)
            throw new ArgumentException($"--distributed sync: {samples} training samples leave rank {ranks - 1} of {ranks} without data " +
                                        $"(each rank takes {batch} of every global batch of {ranks * batch}); use fewer ranks or a smaller batch");
        if (mode == DistributedMode.LocalSgd && samples < ranks)
            throw new ArgumentException($"--distributed local-sgd: {samples} training samples leave rank {ranks - 1} of {ranks} with an empty shard; use at most {samples} ranks");
    }

    const ulong ShardKey = 0x5348_4152_4453UL; // "SHARDS"
}
