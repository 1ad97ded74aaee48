namespace SetGpu.Distributed;

/// <summary>
/// The collectives over MPI (MPI.NET on an MPICH-family library), on <c>MPI_COMM_WORLD</c>. Only primitive arrays
/// travel: MPI.NET's object messages need BinaryFormatter, which .NET 10 no longer has. MPI is initialised when the
/// first instance is made (only when distributed training is asked for) and finalised when it is disposed.
/// </summary>
public sealed class MpiCommunicator : ICommunicator, IDisposable
{
    readonly MPI.Environment _environment;
    readonly MPI.Intracommunicator _world;

    MpiCommunicator(MPI.Environment environment)
    {
        _environment = environment;
        _world = MPI.Communicator.world;
        Rank = _world.Rank;
        Size = _world.Size;
        LocalRank = LocalRankFromLauncher() ?? LocalRankBySplit();
        // A failed collective (a rank died) returns an error, which MPI.NET throws, instead of aborting this process
        // at once: the run then says what happened before it ends.
        var library = System.Runtime.InteropServices.NativeLibrary.Load(MpiLibrary.Install());
        var setErrorHandler = System.Runtime.InteropServices.Marshal.GetDelegateForFunctionPointer<SetErrorHandler>(
            System.Runtime.InteropServices.NativeLibrary.GetExport(library, "MPI_Comm_set_errhandler"));
        setErrorHandler(CommWorld, ErrorsReturn);
    }

    const int CommWorld = 0x44000000, ErrorsReturn = 0x54000001; // the MPICH ABI's handles

    [System.Runtime.InteropServices.UnmanagedFunctionPointer(System.Runtime.InteropServices.CallingConvention.Cdecl)]
    delegate int SetErrorHandler(int comm, int handler);

    /// <summary>Initialises MPI (the process must have been started by <c>mpiexec</c>, or run as a single rank).</summary>
    public static MpiCommunicator Start()
    {
        MpiLibrary.Install();
        string[] args = [];
        return new MpiCommunicator(new MPI.Environment(ref args));
    }

    /// <inheritdoc/>
    public int Rank { get; }
    /// <inheritdoc/>
    public int Size { get; }
    /// <inheritdoc/>
    public int LocalRank { get; }

    /// <inheritdoc/>
    public void AllreduceSum(float[] values)
    {
        // MPI.NET has no in-place allreduce: the sums land in a buffer kept between calls (a step's parameter vector).
        if (_floatSums.Length != values.Length) _floatSums = new float[values.Length];
        _world.Allreduce(values, MPI.Operation<float>.Add, ref _floatSums);
        _floatSums.CopyTo(values, 0);
    }

    float[] _floatSums = [];

    /// <inheritdoc/>
    public void AllreduceSum(double[] values)
    {
        var sum = new double[values.Length];
        _world.Allreduce(values, MPI.Operation<double>.Add, ref sum);
        sum.CopyTo(values, 0);
    }

    /// <inheritdoc/>
    public void Broadcast(long[] values, int root) => _world.Broadcast(ref values, root);

    /// <summary>MPICH's Hydra sets MPI_LOCALRANKID; PMI launchers PMI_LOCAL_RANK.</summary>
    static int? LocalRankFromLauncher()
    {
        foreach (var name in new[] { "MPI_LOCALRANKID", "PMI_LOCAL_RANK", "SLURM_LOCALID" })
            if (int.TryParse(Environment.GetEnvironmentVariable(name), out int value) && value >= 0) return value;
        return null;
    }

    /// <summary>Ranks on one machine share its host name: split the world by it and take the rank in the part.</summary>
    int LocalRankBySplit()
    {
        int color = (int)(HostHash(Environment.MachineName) & 0x3fffffff);
        using var local = (MPI.Intracommunicator)_world.Split(color, Rank);
        return local.Rank;
    }

    static ulong HostHash(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }

    /// <summary>Finalises MPI.</summary>
    public void Dispose() => _environment.Dispose();
}
