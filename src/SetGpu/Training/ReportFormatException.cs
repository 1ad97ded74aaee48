namespace SetGpu.Training;

/// <summary>
/// A training report (the JSON that <c>--report</c> writes and <c>plot</c> reads) cannot be used: missing, unreadable,
/// not JSON, not a report, or of another format version. The message names the file and the problem, as
/// <see cref="Data.DataFormatException"/> and <see cref="Checkpoints.CheckpointFormatException"/> do (an
/// <see cref="IOException"/>, like the latter; the report reader threw <see cref="InvalidDataException"/> before).
/// </summary>
public sealed class ReportFormatException : IOException
{
    /// <summary>Creates the error for <paramref name="path"/> (a file, or what the JSON came from).</summary>
    public ReportFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The report file (or other source) at fault.</summary>
    public string Path { get; }
    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
