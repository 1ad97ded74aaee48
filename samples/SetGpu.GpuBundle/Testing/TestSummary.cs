namespace SetGpu.GpuBundle.Testing;

/// <summary>What a run of <see cref="XunitRunner"/> found: counts, every failure, skips grouped by their reason, and
/// the tests still running when it was written (a run that was stopped names the tests it was in).</summary>
internal sealed record TestSummary
{
    public required string Filter { get; init; }
    /// <summary>Extra settings the run had (for example SETGPU_REQUIRE=cuda).</summary>
    public string Settings { get; init; } = "";
    public int Discovered { get; set; }
    public int Selected { get; set; }
    public int Passed { get; set; }
    public int Failed { get; set; }
    public int Skipped { get; set; }
    public double Seconds { get; set; }
    /// <summary>Whether the run reached its end (false in a summary written while it ran).</summary>
    public bool Finished { get; set; }
    public List<TestFailure> Failures { get; init; } = [];
    public List<SkipReason> Skips { get; init; } = [];
    /// <summary>Failures outside a test: fixtures' and collections' clean-up, the framework's own errors.</summary>
    public List<string> Errors { get; init; } = [];
    public List<string> Running { get; init; } = [];

    public int Completed => Passed + Failed + Skipped;
}

/// <summary>A failed test: its display name, the exception's message chain and the first lines of its stack.</summary>
internal sealed record TestFailure(string Test, string Message, string Stack, double Seconds);

/// <summary>Tests skipped for one reason: how many, and one of them.</summary>
internal sealed record SkipReason(string Reason, int Count, string Example);
