namespace SetGpu.Distributed;

/// <summary>
/// The collectives data-parallel training needs, and nothing else: every rank calls the same ones in the same order.
/// <see cref="MpiCommunicator"/> runs them over MPI; tests run them between threads of one process.
/// </summary>
public interface ICommunicator
{
    /// <summary>This process's rank, 0 … <see cref="Size"/> − 1.</summary>
    int Rank { get; }
    /// <summary>Ranks in the job.</summary>
    int Size { get; }
    /// <summary>This rank's index among the ranks on its machine (it picks the device: <c>cuda:LocalRank</c>).</summary>
    int LocalRank { get; }

    /// <summary>Replaces <paramref name="values"/> on every rank by their element-wise sum over the ranks.</summary>
    void AllreduceSum(float[] values);

    /// <summary>Replaces <paramref name="values"/> on every rank by their element-wise sum over the ranks.</summary>
    void AllreduceSum(double[] values);

    /// <summary>Replaces <paramref name="values"/> on every rank by rank <paramref name="root"/>'s.</summary>
    void Broadcast(long[] values, int root);
}
