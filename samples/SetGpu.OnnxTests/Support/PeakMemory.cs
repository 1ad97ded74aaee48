namespace SetGpu.OnnxTests.Support;

/// <summary>
/// This process's peak resident memory (VmHWM of /proc/self/status), reset first through /proc/self/clear_refs (Linux
/// 4.0 and later) so that what is measured is the peak of the code in between, not the test host's history.
/// </summary>
internal static class PeakMemory
{
    /// <summary>Resets the peak to the memory resident now; returns the resident bytes.</summary>
    public static long Reset()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5");
        return Read("VmRSS:");
    }

    /// <summary>The peak resident bytes since <see cref="Reset"/>.</summary>
    public static long Peak() => Read("VmHWM:");

    static long Read(string field)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
    }
}
