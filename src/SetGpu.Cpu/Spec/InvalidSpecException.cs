namespace SetGpu;

/// <summary>
/// A specification that cannot train: names the field (as the C# property, e.g. <c>Epsilon</c>) and says what is wrong
/// with its value. The command line turns <see cref="Field"/> into its option name.
/// </summary>
public sealed class InvalidSpecException(string field, string message) : ArgumentException(message)
{
    /// <summary>The specification property at fault (<c>Epsilon</c>, <c>Optimizer.LearningRate</c>, …).</summary>
    public string Field { get; } = field;

    /// <summary>Throws when <paramref name="valid"/> is false.</summary>
    internal static void Require(bool valid, string field, string message)
    {
        if (!valid) throw new InvalidSpecException(field, message);
    }
}
