namespace SetGpu.Cli;

/// <summary>
/// Checks where a run will write (report, checkpoint, export folder) before it trains, so that a read-only or vanished
/// folder, or a report path that is a folder, is an error now rather than after an hour of training.
/// </summary>
internal static class OutputTargets
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the option and the problem for the first unusable target.</summary>
    public static void Check(RunOutputs outputs, string? exportFolder)
    {
        if (outputs.Report is { } report) CheckFile("--report", report);
        if (outputs.Checkpoint is { } checkpoint) CheckFile("--checkpoint", checkpoint);
        if (exportFolder is not null)
        {
            if (File.Exists(exportFolder))
                throw new ArgumentException($"--export {exportFolder}: is a file; give a folder for the exported layers");
            CheckFolder("--export", exportFolder, exportFolder);
        }
    }

    static void CheckFile(string option, string path)
    {
        if (Directory.Exists(path))
            throw new ArgumentException($"{option} {path}: is a folder; give a file name");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (File.Exists(folder))
            throw new ArgumentException($"{option} {path}: {folder} is a file, not a folder");
        CheckFolder(option, path, folder);
    }

    /// <summary>Creates the folder as the save would, and writes and deletes a probe file in it.</summary>
    static void CheckFolder(string option, string given, string folder)
    {
        // A probe write is the only test that holds for root (who ignores permission bits) and read-only mounts alike.
        string probe = Path.Combine(folder, $".setgpu-write-test-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(folder);
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{option} {given}: cannot write to {Path.GetFullPath(folder)} ({e.Message})", e);
        }
    }
}
