namespace SetGpu.Data;

/// <summary>A data file or dataset is unusable; the message names the source and the problem.</summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the error for <paramref name="source"/> (a file path or dataset name).</summary>
    public DataFormatException(string source, string problem, Exception? inner = null)
        : base($"{source}: {problem}", inner)
    {
        Source = source;
        Problem = problem;
    }

    /// <summary>The file path or dataset name at fault.</summary>
    public new string Source { get; }
    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
