namespace SetGpu;

/// <summary>
/// A network would not fit in the memory of its device: thrown before anything big is allocated. The message names
/// the bytes needed, the limit and the largest ε or hidden-layer size that would fit.
/// </summary>
public sealed class NetworkTooLargeException(string message, long neededBytes, long limitBytes) : Exception(message)
{
    /// <summary>The estimated bytes the network needs at its peak.</summary>
    public long NeededBytes { get; } = neededBytes;
    /// <summary>The bytes it was compared with: the memory available, or the limit given.</summary>
    public long LimitBytes { get; } = limitBytes;
}
