namespace SetGpu.Fuzz;

/// <summary>
/// One reader of outside bytes under the fuzzing contract: any input either loads or throws
/// <see cref="FormatError"/> with a message that names the file; anything else is a finding.
/// </summary>
/// <param name="Name">The name given on the command line (<c>mat</c>, <c>idx</c>, …).</param>
/// <param name="FormatError">The one exception type a bad input may raise.</param>
/// <param name="Steps">Readers of the input, each refused or not on its own; the input is also written at the given
/// path for readers that take a file.</param>
/// <param name="NeedsFile">Whether a step reads the file rather than the bytes.</param>
internal sealed record FuzzTarget(string Name, Type FormatError, Action<byte[], string>[] Steps, bool NeedsFile);

/// <summary>The input broke the contract: another exception, a message without the file, or too much memory.</summary>
public sealed class ContractViolation(string message, Exception? inner = null) : Exception(message, inner);
