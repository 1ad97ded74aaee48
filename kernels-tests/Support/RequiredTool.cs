namespace SetGpu.KernelsTests.Support;

/// <summary>
/// The rule for tools a test drives for real (ptxas, clang, SciPy, Chromium): where one is missing the test skips with
/// the reason; where <c>SETGPU_REQUIRE</c> (a comma-separated list) names it, the absence is a failure instead.
/// </summary>
internal static class RequiredTool
{
    /// <summary>Whether <c>SETGPU_REQUIRE</c> names <paramref name="tool"/>.</summary>
    public static bool IsRequired(string tool) =>
        (Environment.GetEnvironmentVariable("SETGPU_REQUIRE") ?? "").Split(',', StringSplitOptions.TrimEntries).Contains(tool);

    /// <summary>Skips (or fails, where required) with <paramref name="missing"/>, the reason the tool is absent; nothing when null.</summary>
    public static void Require(string tool, string? missing)
    {
        if (missing is null) return;
        if (IsRequired(tool)) Assert.Fail($"{missing}, but SETGPU_REQUIRE names {tool}");
        Skip.If(true, missing);
    }
}
