namespace SetGpu.Fuzz;

/// <summary>
/// Runs one input through a target and enforces the contract that docs/testing.md states for every reader:
/// the input loads, or the target's format exception names the file; memory stays within a budget of the input's size.
/// Throws <see cref="ContractViolation"/> otherwise, which afl-fuzz records as a crash.
/// </summary>
internal static class Contract
{
    /// <summary>
    /// Allocation allowed per input byte. The largest legitimate expansion is a MAT-file's: zlib inflates at most
    /// about 1032:1 and a uint8 element widens to an 8-byte double, then to a float row of the dataset.
    /// </summary>
    public const long BytesPerInputByte = 16 * 1024;
    /// <summary>Allocation allowed for any input, however small (buffers, JSON, the dataset's tables).</summary>
    public const long FixedBudget = 64L << 20;

    /// <summary>The outcome of one input: the format errors' messages of the steps that refused it.</summary>
    public static IReadOnlyList<string> Check(FuzzTarget target, byte[] input, string path)
    {
        if (target.NeedsFile) File.WriteAllBytes(path, input);
        var refusals = new List<string>();
        for (int step = 0; step < target.Steps.Length; step++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                target.Steps[step](input, path);
            }
            catch (Exception e) when (e.GetType() == target.FormatError)
            {
                if (!e.Message.Contains(path, StringComparison.Ordinal))
                    throw new ContractViolation($"{target.Name} step {step}: the {e.GetType().Name} does not name the file: {e.Message}", e);
                refusals.Add(e.Message);
            }
            catch (Exception e)
            {
                throw new ContractViolation($"{target.Name} step {step}: {e.GetType().FullName} instead of {target.FormatError.Name}: {e.Message}", e);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            long budget = FixedBudget + BytesPerInputByte * input.Length;
            if (allocated > budget)
                throw new ContractViolation($"{target.Name} step {step}: {allocated:N0} bytes allocated for a {input.Length:N0}-byte input (budget {budget:N0})");
        }
        return refusals;
    }
}
