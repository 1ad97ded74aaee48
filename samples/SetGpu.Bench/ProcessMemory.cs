namespace SetGpu.Bench;

/// <summary>This process's resident memory from /proc/self/status (Linux), with the peak resettable per phase.</summary>
internal static class ProcessMemory
{
    /// <summary>Resident bytes now (VmRSS).</summary>
    public static long Resident() => Read("VmRSS:");

    /// <summary>The most resident bytes since the last <see cref="ResetPeak"/> (VmHWM; the resident bytes now where a
    /// sandboxed kernel such as gVisor keeps no peak).</summary>
    public static long Peak() => TryRead("VmHWM:") ?? Resident();

    /// <summary>
    /// Makes the peak the current resident size (writing 5 to /proc/self/clear_refs). A sandboxed kernel (gVisor, on
    /// some GPU machines) may refuse: then the peak counts from the process's start, and a benchmark still runs.
    /// </summary>
    public static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Collects garbage so that what is resident is what is used, then returns <see cref="Resident"/>.</summary>
    public static long ResidentAfterCollect()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return Resident();
    }

    static long Read(string field) => TryRead(field) ?? throw new InvalidOperationException($"/proc/self/status has no {field} line");

    static long? TryRead(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
        return null;
    }
}
