namespace SetGpu.KernelsTests.Cli;

/// <summary>The README's C# quick start is the sample CI runs, character for character.</summary>
public class ReadmeTests
{
    static string Root([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    [Fact]
    public void Csharp_quick_start_is_the_sample_program()
    {
        string readme = File.ReadAllText(Path.Combine(Root(), "README.md"));
        int section = readme.IndexOf("## C# quick start", StringComparison.Ordinal);
        Assert.True(section >= 0, "README has no C# quick start");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        string block = readme[start..readme.IndexOf("\n```", start, StringComparison.Ordinal)];
        var program = File.ReadAllLines(Path.Combine(Root(), "samples", "SetGpu.QuickStart", "Program.cs")).Skip(1); // its first line says what it is
        Assert.Equal(string.Join("\n", program).Trim('\n'), block);
    }
}
