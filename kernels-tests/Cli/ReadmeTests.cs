namespace SetGpu.KernelsTests.Cli;

/// <summary>
/// The C# quick start of the README and of the packages' page (src/PACKAGE.md) is the sample CI runs, in the repository
/// and from the packages (.ci/consumer), character for character.
/// </summary>
public class ReadmeTests
{
    static string Root([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    [Theory]
    [InlineData("README.md")]
    [InlineData("src/PACKAGE.md")]
    public void Csharp_quick_start_is_the_sample_program(string page)
    {
        string readme = File.ReadAllText(Path.Combine(Root(), page));
        int section = readme.IndexOf("## C# quick start", StringComparison.Ordinal);
        Assert.True(section >= 0, $"{page} has no C# quick start");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        string block = readme[start..readme.IndexOf("\n```", start, StringComparison.Ordinal)];
        var program = File.ReadAllLines(Path.Combine(Root(), "samples", "SetGpu.QuickStart", "Program.cs")).Skip(1); // its first line says what it is
        Assert.Equal(string.Join("\n", program).Trim('\n'), block);
    }
}
