namespace SetGpu.Checkpoints;

/// <summary>
/// A checkpoint file cannot be used (an <see cref="IOException"/>, as <see cref="InvalidDataException"/> is): truncated, corrupted, of another format or of a newer format version. The
/// message names the file and the problem. Loading never changes the file or anything else.
/// </summary>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>Creates the error for <paramref name="path"/>.</summary>
    public CheckpointFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The checkpoint file at fault.</summary>
    public string Path { get; }
    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
