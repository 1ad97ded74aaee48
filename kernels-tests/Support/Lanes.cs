namespace SetGpu.KernelsTests.Support;

/// <summary>
/// Test lanes. <c>dotnet test --filter Category!=Slow</c> is the quick lane (about a second a test at most); CI runs every
/// lane.
/// </summary>
internal static class Lane
{
    /// <summary>The trait name of a lane.</summary>
    public const string Category = "Category";
    /// <summary>Whole trainings on real data, end-to-end command lines, compilation of every kernel, child processes.</summary>
    public const string Slow = "Slow";
}

/// <summary>
/// Tests that change process-wide CPU settings (<c>ParallelRows.ForceSerial</c>, <c>RbmParallel.MinParallelWork</c>) to
/// prove results do not depend on them: they run alone, so no other test trains under the changed setting.
/// </summary>
[CollectionDefinition(nameof(GlobalCpuSettings), DisableParallelization = true)]
public sealed class GlobalCpuSettings;
