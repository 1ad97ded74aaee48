namespace SetGpu.Cpu;

/// <summary>
/// Persistent worker threads for the kernels' parallel loops. A SET step at batch 2 launches about a dozen
/// loops of 20–60 µs each; waking thread-pool workers for each costs as much as the loop itself, so these
/// workers poll briefly for the next loop before they sleep. The calling thread works too, and never waits for a
/// worker that has not started: each loop is a job whose ranges are claimed one at a time, so a worker the
/// operating system has not scheduled simply finds nothing left. Which thread computes a row never changes its
/// result.
/// </summary>
internal static class WorkerPool
{
    /// <summary>Threads that compute a loop: the caller plus the workers.</summary>
    public static readonly int Threads = Math.Max(1, Environment.ProcessorCount);

    const int PollRounds = 64; // SpinWait rounds (with yields) before a worker sleeps: a fraction of a millisecond

    /// <summary>One parallel loop: its ranges are claimed and completed exactly once each.</summary>
    sealed class Job(IRowKernel kernel, int rows, int ranges)
    {
        int _next, _completed;
        Exception? _error;

        public bool Done => Volatile.Read(ref _completed) == ranges;
        public Exception? Error => _error;

        /// <summary>Claims and runs ranges until none is left.</summary>
        public void Work()
        {
            int r;
            while ((r = Interlocked.Increment(ref _next) - 1) < ranges)
            {
                try { kernel.Execute((int)((long)rows * r / ranges), (int)((long)rows * (r + 1) / ranges)); }
                catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
                Interlocked.Increment(ref _completed);
            }
        }
    }

    static readonly object RunLock = new(), Gate = new();
    static Job? _job;
    static long _generation;

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
            var job = new Job(kernel, rows, ranges);
            lock (Gate)
            {
                Volatile.Write(ref _job, job);
                Interlocked.Increment(ref _generation);
                Monitor.PulseAll(Gate);
            }
            job.Work();
            var spin = new SpinWait();
            while (!job.Done) spin.SpinOnce(sleep1Threshold: -1); // only ranges a worker already runs remain
            // The finished job holds the kernel's arrays: let go of them, or a layer's old arrays would stay alive through
            // an evolution step that replaces them. A worker that reads the job late finds nothing or no range left.
            Volatile.Write(ref _job, null);
            if (job.Error is { } error) throw new AggregateException(error);
        }
    }

    static void WorkerLoop()
    {
        long seen = 0;
        while (true)
        {
            var spin = new SpinWait();
            for (int round = 0; round < PollRounds && Volatile.Read(ref _generation) == seen; round++)
                spin.SpinOnce(sleep1Threshold: -1);
            if (Volatile.Read(ref _generation) == seen)
                lock (Gate)
                    while (Volatile.Read(ref _generation) == seen) Monitor.Wait(Gate);
            seen = Volatile.Read(ref _generation);
            Volatile.Read(ref _job)?.Work();
        }
    }
}
