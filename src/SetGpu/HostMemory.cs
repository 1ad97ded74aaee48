namespace SetGpu;

/// <summary>
/// The memory this process can still take on this machine: the smaller of the kernel's MemAvailable and what the
/// process's cgroup (v2 memory.max, v1 memory.limit_in_bytes) leaves (its limit less its usage, less the page cache
/// it could reclaim). Off Linux, the runtime's view of the memory available.
/// </summary>
public static class HostMemory
{
    /// <summary>Bytes available now, and where the figure comes from.</summary>
    public static (long Bytes, string Source) Available()
    {
        (long Bytes, string Source)? best = null;
        void Consider(long? bytes, string source)
        {
            if (bytes is { } b && (best is null || b < best.Value.Bytes)) best = (Math.Max(0, b), source);
        }
        Consider(MeminfoAvailable(), "available (MemAvailable)");
        Consider(CgroupV2(), "left under the cgroup's memory.max");
        Consider(CgroupV1(), "left under the cgroup's memory.limit_in_bytes");
        return best ?? (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, "available to the runtime");
    }

    static long? MeminfoAvailable() => Field("/proc/meminfo", "MemAvailable:") * 1024;

    static long? CgroupV2()
    {
        long? limit = Number("/sys/fs/cgroup/memory.max"), usage = Number("/sys/fs/cgroup/memory.current");
        if (limit is null || usage is null) return null;
        return limit - usage + (Field("/sys/fs/cgroup/memory.stat", "inactive_file") ?? 0);
    }

    static long? CgroupV1()
    {
        long? limit = Number("/sys/fs/cgroup/memory/memory.limit_in_bytes"), usage = Number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
        if (limit is null || usage is null || limit >= 1L << 60) return null; // "no limit" is a huge number in v1
        return limit - usage + (Field("/sys/fs/cgroup/memory/memory.stat", "total_inactive_file") ?? 0);
    }

    /// <summary>A file holding one number ("max", an absent or unreadable file: null).</summary>
    static long? Number(string path)
    {
        try { return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), out long n) ? n : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The number after <paramref name="name"/> on its line of a "name value [unit]" file.</summary>
    static long? Field(string path, string name)
    {
        try
        {
            if (!File.Exists(path)) return null;
            foreach (var line in File.ReadLines(path))
                if (line.StartsWith(name, StringComparison.Ordinal)
                    && line[name.Length..].Trim().Split(' ')[0] is var value && long.TryParse(value, out long n))
                    return n;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}
