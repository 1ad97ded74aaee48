using System.Runtime.InteropServices;

namespace SetGpu.Distributed;

/// <summary>One rank's process: its id and host.</summary>
public readonly record struct RankProcess(int Rank, int ProcessId, string Host)
{
    /// <summary>"rank R = pid P on HOST".</summary>
    public override string ToString() => $"rank {Rank} = pid {ProcessId} on {Host}";
}

/// <summary>
/// Every rank's process id and host (gathered once, as numbers: only primitive arrays travel), and a wait for the
/// first of a machine's ranks to end. When a rank is killed, MPICH's launcher SIGKILLs the others within milliseconds
/// and names a process id that is not always the dead one's: a process outside the launcher's reach that waits here
/// (a pidfd per rank, woken by the kernel when that process ends) can say which rank ended first.
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
    /// Blocks until one of <paramref name="ranks"/> (processes of this machine) ends, and returns it; null where the
    /// kernel has no pidfd (Linux before 5.3), on other systems, or when none of them could be watched.
    /// </summary>
    public static RankProcess? FirstToEnd(IReadOnlyList<RankProcess> ranks)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var fds = new List<(int Fd, RankProcess Rank)>();
        foreach (var rank in ranks)
        {
            int fd = (int)syscall(PidfdOpen, rank.ProcessId, 0);
            if (fd >= 0) fds.Add((fd, rank));
        }
        if (fds.Count == 0) return null;
        var poll = fds.Select(f => new PollFd { Fd = f.Fd, Events = PollIn }).ToArray();
        while (true)
        {
            int ready = PollAll(poll, -1);
            if (ready < 0 && Marshal.GetLastPInvokeError() == Interrupted) continue; // the runtime signals its threads
            if (ready < 0) return null;
            for (int i = 0; i < poll.Length; i++)
                if ((poll[i].Revents & PollIn) != 0) return fds[i].Rank;
        }
    }

    const long PidfdOpen = 434; // the same number on x86-64 and arm64
    const short PollIn = 1;
    const int Interrupted = 4; // EINTR

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
