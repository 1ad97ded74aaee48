using System.Text.RegularExpressions;
using SetGpu.Cli;

namespace SetGpu.KernelsTests.Cli;

/// <summary><c>train --help</c> and <c>rbm --help</c> list every option once, in groups; other commands keep the plain help.</summary>
[Collection(nameof(CliHost))]
public class HelpGroupsTests
{
    static readonly string[] Groups = ["Model options:", "Training options:", "Data options:", "Output options:", "Checkpoint options:", "Distributed options:"];

    /// <summary>Each option name the page lists, with the heading it is under.</summary>
    static Dictionary<string, List<string>> Sections(string help)
    {
        var under = new Dictionary<string, List<string>>();
        string heading = "";
        foreach (var line in help.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (Regex.IsMatch(line, @"^\S.*:$")) heading = line;
            else if (Regex.Match(line, @"^  (-[^<]*?)(\s<[^>]+>)?(\s{2,}|$)") is { Success: true } row)
                foreach (var name in row.Groups[1].Value.Split(", ").Select(n => n.Trim()))
                    (under.TryGetValue(name, out var headings) ? headings : under[name] = []).Add(heading);
        }
        return under;
    }

    [Theory]
    [InlineData("train", "--hidden", "--lr", "--dataset", "--export", "--stop-after", "--distributed")]
    [InlineData("rbm", "--cd", "--batch", "--data-dir", "--ais", "--resume", "--average-every")]
    public void Help_lists_every_option_once_in_its_group(string command, string model, string training, string data,
                                                         string output, string checkpoints, string distributed)
    {
        var result = CliHost.Ok(command, "--help");
        string help = result.Output.Replace("\r\n", "\n");
        var positions = Groups.Select(g => help.IndexOf("\n" + g + "\n", StringComparison.Ordinal)).ToArray();
        Assert.All(positions, p => Assert.True(p > 0, help));
        Assert.Equal(positions.Order(), positions); // model, training, data, output, checkpoints, distributed, in that order

        var sections = Sections(help);
        var options = CliApp.Create().Subcommands.Single(c => c.Name == command).Options;
        foreach (var option in options)
        {
            Assert.True(sections.TryGetValue(option.Name, out var headings), $"{option.Name} is not in the help:\n{help}");
            Assert.Single(headings);
            Assert.Contains(headings[0], Groups); // in a named group, not "Other options"
        }
        Assert.Equal(["Other options:"], sections["--help"]);

        foreach (var (name, group) in new[] { model, training, data, output, checkpoints, distributed }.Zip(Groups))
            Assert.Equal(group, sections[name].Single());
    }

    [Fact]
    public void Help_shows_defaults_and_wraps_descriptions_under_their_column()
    {
        string help = CliHost.Ok("train", "--help").Output.Replace("\r\n", "\n");
        Assert.Matches(@"\n  --epochs <epochs> +Epochs \[default: 10\]\n", help);
        Assert.Matches(@"\n  --engine, --device <engine> +Device: ", help);
        var lines = help.Split('\n');
        int column = lines.First(l => l.StartsWith("  --epochs ")).IndexOf("Epochs", StringComparison.Ordinal);
        Assert.All(lines.Where(l => l.Length > 0 && l.Length - l.TrimStart().Length > 2),
                   l => Assert.Equal(column, l.Length - l.TrimStart().Length)); // continuation lines align
        Assert.All(lines, l => Assert.True(l.Length <= 120, l));
    }

    [Fact]
    public void Commands_with_few_options_keep_the_plain_help()
    {
        string help = CliHost.Ok("predict", "--help").Output;
        Assert.Contains("Options:", help);
        Assert.Contains("--checkpoint", help);
        Assert.DoesNotContain("Model options:", help);
    }
}
