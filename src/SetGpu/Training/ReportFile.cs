namespace SetGpu.Training;

/// <summary>Where the JSON reports go: written whole or not at all.</summary>
internal static class ReportFile
{
    /// <summary>Writes <paramref name="text"/> to a temporary file beside <paramref name="path"/>, then renames it over the target.</summary>
    public static void WriteAtomically(string path, string text)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp";
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            // A failed write (a full disk) must not leave a partial temporary file behind.
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (WriteFailure.IsDiskFull(e)) throw WriteFailure.DiskFull(full, "report", (IOException)e);
            throw;
        }
    }
}
