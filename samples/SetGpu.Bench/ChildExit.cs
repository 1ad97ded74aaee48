namespace SetGpu.Bench;

/// <summary>How the benchmarks that run a measurement in a child process say why it gave no result.</summary>
internal static class ChildExit
{
    /// <summary>A child's exit code in words: above 128 a shell's way of saying which signal ended it.</summary>
    public static string Describe(int code) => code switch
    {
        137 => "exit code 137, killed by SIGKILL (the kernel's out-of-memory killer, or a memory limit, when nobody sent it)",
        134 => "exit code 134, aborted (SIGABRT: the runtime gave up, e.g. a failed allocation)",
        139 => "exit code 139, a segmentation fault (SIGSEGV)",
        > 128 and < 160 => $"exit code {code}, ended by signal {code - 128}",
        _ => $"exit code {code}",
    };
}
