namespace SetGpu.Cpu;

/// <summary>
/// Persistent worker threads for the kernels' parallel loops. A SET step at batch 2 launches about a dozen
/// loops of 20–60 µs each; waking thread-pool workers for each costs as much as the loop itself, so these
/// workers spin briefly for the next loop before they sleep. The calling thread works too. Rows are handed
/// out in ranges; which thread computes a row never changes its result.
/// </summary>
internal static class WorkerPool
{
    /// <summary>Threads that compute a loop: the caller plus the workers.</summary>
    public static readonly int Threads = Math.Max(1, Environment.ProcessorCount);

    const int SpinIterations = 20_000; // about 50–100 µs of polling before a worker sleeps

    static readonly object RunLock = new(), Gate = new();
    static IRowKernel? _kernel;
    static int _rows, _ranges, _nextRange, _pending;
    static long _generation;
    static Exception? _error;

    static WorkerPool()
    {
        for (int i = 1; i < Threads; i++)
            new Thread(WorkerLoop) { IsBackground = true, Name = $"SetGpu CPU worker {i}" }.Start();
    }

    /// <summary>Runs <paramref name="kernel"/> over [0, rows) split into <paramref name="ranges"/> ranges, on all threads.</summary>
    public static void Run(IRowKernel kernel, int rows, int ranges)
    {
        lock (RunLock) // one parallel loop at a time
        {
            _kernel = kernel;
            _rows = rows;
            _ranges = ranges;
            _nextRange = 0;
            _error = null;
            Volatile.Write(ref _pending, Threads - 1);
            lock (Gate)
            {
                Interlocked.Increment(ref _generation);
                Monitor.PulseAll(Gate);
            }
            try { Work(kernel); }
            catch (Exception e) { _error ??= e; }
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) > 0) spin.SpinOnce(sleep1Threshold: -1);
            _kernel = null;
            if (_error is { } error) throw new AggregateException(error);
        }
    }

    static void Work(IRowKernel kernel)
    {
        int rows = _rows, ranges = _ranges, r;
        while ((r = Interlocked.Increment(ref _nextRange) - 1) < ranges)
            kernel.Execute((int)((long)rows * r / ranges), (int)((long)rows * (r + 1) / ranges));
    }

    static void WorkerLoop()
    {
        long seen = 0;
        while (true)
        {
            int spins = 0;
            while (Volatile.Read(ref _generation) == seen && spins++ < SpinIterations) Thread.SpinWait(4);
            if (Volatile.Read(ref _generation) == seen)
                lock (Gate)
                    while (Volatile.Read(ref _generation) == seen) Monitor.Wait(Gate);
            seen = Volatile.Read(ref _generation);
            try
            {
                if (_kernel is { } kernel) Work(kernel);
            }
            catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
            finally { Interlocked.Decrement(ref _pending); }
        }
    }
}
