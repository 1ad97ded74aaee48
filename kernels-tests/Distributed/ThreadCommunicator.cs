using SetGpu.Distributed;

namespace SetGpu.KernelsTests.Distributed;

/// <summary>
/// The collectives between threads of one process, so the distributed run loop can be tested without MPI: each rank
/// posts its array, every rank sums the posted arrays in rank order (so every rank gets the same bits), then all wait.
/// </summary>
internal sealed class ThreadCommunicator(ThreadCommunicator.Group group, int rank) : ICommunicator
{
    /// <summary>The ranks of one in-process job.</summary>
    public sealed class Group(int size)
    {
        public readonly Barrier Barrier = new(size);
        public readonly object?[] Posted = new object?[size];
        public int Size => size;
        public int Collectives;
    }

    /// <summary>Runs <paramref name="body"/> on <paramref name="ranks"/> threads, one communicator each; returns their results in rank order.</summary>
    public static T[] Run<T>(int ranks, Func<ThreadCommunicator, T> body)
    {
        var group = new Group(ranks);
        var results = new T[ranks];
        var errors = new Exception?[ranks];
        var threads = Enumerable.Range(0, ranks).Select(r => new Thread(() =>
        {
            try { results[r] = body(new ThreadCommunicator(group, r)); }
            catch (Exception e) { errors[r] = e; group.Barrier.RemoveParticipant(); }
        }, 16 << 20)).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw new AggregateException(errors.Where(e => e is not null)!);
        return results;
    }

    public int Rank => rank;
    public int Size => group.Size;
    public int LocalRank => rank;

    public void AllreduceSum(float[] values) => Reduce(values, (a, b) => a + b);
    public void AllreduceSum(double[] values) => Reduce(values, (a, b) => a + b);

    public void Broadcast(long[] values, int root)
    {
        group.Posted[rank] = values.Clone();
        group.Barrier.SignalAndWait();
        var from = (long[])group.Posted[root]!;
        group.Barrier.SignalAndWait();
        from.CopyTo(values, 0);
    }

    void Reduce<T>(T[] values, Func<T, T, T> add)
    {
        if (rank == 0) Interlocked.Increment(ref group.Collectives);
        group.Posted[rank] = values.Clone();
        group.Barrier.SignalAndWait();
        var sum = (T[])((T[])group.Posted[0]!).Clone();
        for (int r = 1; r < group.Size; r++)
        {
            var other = (T[])group.Posted[r]!;
            if (other.Length != sum.Length) throw new InvalidOperationException($"rank {r} gave {other.Length} values, rank 0 {sum.Length}");
            for (int i = 0; i < sum.Length; i++) sum[i] = add(sum[i], other[i]);
        }
        group.Barrier.SignalAndWait();
        sum.CopyTo(values, 0);
    }
}
