namespace SetGpu.Training;

/// <summary>What an atomic save (checkpoint, report) says when its write fails for lack of space.</summary>
internal static class WriteFailure
{
    const int Enospc = 28, Edquot = 122;
    const int WindowsDiskFull = unchecked((int)0x80070070), WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>Whether <paramref name="e"/> is the file system's "no space left" (or quota exceeded).</summary>
    public static bool IsDiskFull(Exception e) =>
        e is IOException { HResult: Enospc or Edquot or WindowsDiskFull or WindowsHandleDiskFull }
        // A write that asks for its size up front (File.WriteAllText) fails with a generic HResult and this text.
        || e is IOException && e.Message.Contains("because the disk was full", StringComparison.Ordinal);

    /// <summary>
    /// The error a save throws when the disk is full: it names the file and says that the previous one is intact, since
    /// the save wrote a temporary file and removed it.
    /// </summary>
    public static IOException DiskFull(string path, string what, IOException cause) =>
        new($"{path}: disk full while saving the {what} ({cause.Message}); the previous {what} is unchanged and the " +
            "partial temporary file was removed. Free some space or save elsewhere", cause);
}
