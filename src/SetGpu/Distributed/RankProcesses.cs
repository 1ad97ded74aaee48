using System.Runtime.InteropServices;

namespace SetGpu.Distributed;

/// <summary>One rank's process: its id and host.</summary>
public readonly record struct RankProcess(int Rank, int ProcessId, string Host)
{
    /// <summary>"rank R = pid P on HOST".</summary>
    public override string ToString() => $"rank {Rank} = pid {ProcessId} on {Host}";
}

/// <summary>
/// Every rank's process id and host (gathered once, as numbers: only primitive arrays travel), and a watch on the
/// other ranks of this machine. When a rank is killed, MPICH's launcher ends the whole job within moments and names a
/// process id, not always the dead one's; the watch (a pidfd per local peer, woken by the kernel when that process
/// ends) lets the surviving ranks say first which rank died.
/// </summary>
public static class RankProcesses
{
    const int HostChars = 64;

    /// <summary>Gathers every rank's process id and host name (a collective: every rank calls it).</summary>
    public static RankProcess[] Gather(ICommunicator comm)
    {
        const int width = 1 + HostChars;
        var table = new double[comm.Size * width];
        table[comm.Rank * width] = Environment.ProcessId;
        var host = Environment.MachineName;
        for (int i = 0; i < Math.Min(HostChars, host.Length); i++) table[comm.Rank * width + 1 + i] = host[i];
        comm.AllreduceSum(table);
        return Enumerable.Range(0, comm.Size).Select(r =>
        {
            var chars = table.AsSpan(r * width + 1, HostChars).ToArray().TakeWhile(c => c != 0).Select(c => (char)c).ToArray();
            return new RankProcess(r, (int)table[r * width], new string(chars));
        }).ToArray();
    }

    /// <summary>
    /// Starts a background thread that, as soon as another rank on this machine ends while this one still runs,
    /// writes <paramref name="message"/>(that rank) to standard error (once). The launcher kills the remaining ranks
    /// within milliseconds, so the messages are encoded beforehand and written with one system call. Does nothing where
    /// the kernel has no pidfd (Linux before 5.3) or on other systems. Dispose the result before the job's normal end
    /// (before MPI is finalised), when the ranks leave one by one.
    /// </summary>
    public static IDisposable WatchLocalPeers(IEnumerable<RankProcess> ranks, int self, Func<RankProcess, string> message)
    {
        var watch = new Watch();
        if (!OperatingSystem.IsLinux()) return watch;
        var peers = ranks.Where(r => r.Rank != self && r.Host == Environment.MachineName).ToArray();
        var fds = new List<(int Fd, RankProcess Rank)>();
        foreach (var peer in peers)
        {
            int fd = (int)syscall(PidfdOpen, peer.ProcessId, 0);
            if (fd >= 0) fds.Add((fd, peer));
        }
        if (fds.Count == 0) return watch;
        var notices = fds.Select(f => System.Text.Encoding.UTF8.GetBytes(message(f.Rank) + "\n")).ToArray();
        var thread = new Thread(() =>
        {
            var poll = fds.Select(f => new PollFd { Fd = f.Fd, Events = PollIn }).ToArray();
            while (true)
            {
                int ready = PollAll(poll, -1);
                if (ready < 0 && Marshal.GetLastPInvokeError() == Interrupted) continue; // the runtime signals its threads
                if (ready < 0) return;
                for (int i = 0; i < poll.Length; i++)
                    if ((poll[i].Revents & PollIn) != 0 && !watch.Stopped) { write(StandardError, notices[i], (ulong)notices[i].Length); return; }
            }
        }) { IsBackground = true, Name = "rank watch", Priority = ThreadPriority.Highest };
        thread.Start();
        return watch;
    }

    sealed class Watch : IDisposable
    {
        volatile bool _stopped;
        public bool Stopped => _stopped;
        public void Dispose() => _stopped = true;
    }

    const long PidfdOpen = 434; // the same number on x86-64 and arm64
    const short PollIn = 1;
    const int Interrupted = 4; // EINTR
    const int StandardError = 2;

    [DllImport("libc.so.6", SetLastError = true)]
    static extern long write(int fd, byte[] buffer, ulong count);

    [StructLayout(LayoutKind.Sequential)]
    struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    static int PollAll(PollFd[] fds, int timeout) => poll(fds, (ulong)fds.Length, timeout);

    [DllImport("libc.so.6", SetLastError = true)]
    static extern long syscall(long number, int pid, uint flags);

    [DllImport("libc.so.6", SetLastError = true)]
    static extern int poll([In, Out] PollFd[] fds, ulong count, int timeout);
}
