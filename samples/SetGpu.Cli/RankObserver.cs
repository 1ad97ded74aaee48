using System.Diagnostics;
using SetGpu.Distributed;

namespace SetGpu.Cli;

/// <summary>
/// Names the rank that died. The first rank of each machine starts this program again as an observer in a session of
/// its own (<c>setsid</c>), out of reach of MPICH's launcher, which SIGKILLs every rank within milliseconds of one
/// rank's death. The observer waits for the first of the machine's ranks to end and writes which one to the job's
/// standard error. At a run's orderly end the first rank stops the observer before any rank leaves.
/// </summary>
internal static class RankObserver
{
    /// <summary>The hidden first argument that makes the program an observer.</summary>
    public const string Command = "__observe-ranks";

    /// <summary>Starts the observer of <paramref name="ranks"/> (this machine's); null where it cannot be started.</summary>
    public static Process? Start(IEnumerable<RankProcess> ranks)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/setsid") || Environment.ProcessPath is not { } host) return null;
        var info = new ProcessStartInfo("/usr/bin/setsid") { UseShellExecute = false }; // inherits stdout and stderr
        info.ArgumentList.Add(host);
        if (!Path.GetFileNameWithoutExtension(host).Equals("SetGpu.Cli", StringComparison.OrdinalIgnoreCase))
            info.ArgumentList.Add(typeof(RankObserver).Assembly.Location); // under the dotnet host
        info.ArgumentList.Add(Command);
        foreach (var r in ranks) info.ArgumentList.Add($"{r.Rank}:{r.ProcessId}:{r.Host}");
        try { return Process.Start(info); }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }

    /// <summary>The observer's program: waits, then names the first rank that ended.</summary>
    public static int Run(string[] args)
    {
        var ranks = args.Select(a => a.Split(':', 3)).Select(p => new RankProcess(int.Parse(p[0]), int.Parse(p[1]), p[2])).ToArray();
        if (RankProcesses.FirstToEnd(ranks) is { } first)
            Console.Error.WriteLine($"error: rank {first.Rank} (pid {first.ProcessId} on {first.Host}) ended first; MPICH's launcher ends the job");
        return 0;
    }
}
