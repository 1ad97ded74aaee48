using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;

namespace SetGpu.Cli;

/// <summary>A titled group of a command's options in its help ("Model options", "Training options", …).</summary>
internal sealed record OptionGroup(string Title, IReadOnlyList<Option> Options);

/// <summary>
/// <c>--help</c> with a command's options in groups, for the commands that have many (<c>train</c>, <c>rbm</c>); every
/// other command keeps System.CommandLine's help. System.CommandLine 2.0 keeps its help builder internal, so the grouped
/// page is written here in the same layout: description, usage, then one two-column table per group, aligned across
/// groups, with each option's default. Options of the command in no group are listed under "Other options", so that
/// none is ever left out of the help.
/// </summary>
internal sealed class GroupedHelp(CommandLineAction standard, IReadOnlyDictionary<Command, IReadOnlyList<OptionGroup>> groups)
    : SynchronousCommandLineAction
{
    /// <summary>Makes the root command's help option write grouped help for the commands in <paramref name="groups"/>.</summary>
    public static void Install(RootCommand root, IReadOnlyDictionary<Command, IReadOnlyList<OptionGroup>> groups)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new GroupedHelp(help.Action!, groups);
    }

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        if (!groups.TryGetValue(command, out var commandGroups))
            return standard is SynchronousCommandLineAction sync ? sync.Invoke(parseResult) : 0;
        int width = Console.IsOutputRedirected ? 120 : Math.Max(80, Console.WindowWidth);
        parseResult.InvocationConfiguration.Output.Write(Page(command, commandGroups, width));
        return 0;
    }

    /// <summary>The help page of <paramref name="command"/>, <paramref name="width"/> characters wide.</summary>
    public static string Page(Command command, IReadOnlyList<OptionGroup> commandGroups, int width)
    {
        var visible = AllOptions(command).Where(o => !o.Hidden).ToList();
        var grouped = commandGroups.SelectMany(g => g.Options).ToHashSet();
        var sections = commandGroups.Select(g => g with { Options = g.Options.Where(visible.Contains).ToList() })
            .Append(new OptionGroup("Other options", visible.Where(o => !grouped.Contains(o)).ToList()))
            .Where(g => g.Options.Count > 0)
            .ToList();
        int first = Math.Min(40, visible.Max(o => Label(o).Length));
        var text = new System.Text.StringBuilder();
        text.Append($"Description:\n  {command.Description}\n\nUsage:\n  {string.Join(" ", Path(command))} [options]\n");
        foreach (var (title, options) in sections)
        {
            text.Append($"\n{title}:\n");
            foreach (var option in options) Row(text, Label(option), Describe(option), first, width);
        }
        return text.ToString().Replace("\n", Environment.NewLine);
    }

    /// <summary>The command's options and the recursive ones of its parents (the help option).</summary>
    static IEnumerable<Option> AllOptions(Command command)
    {
        foreach (var option in command.Options) yield return option;
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            foreach (var option in parent.Options.Where(o => o.Recursive)) yield return option;
    }

    static IEnumerable<string> Path(Command command)
    {
        var names = new Stack<string>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault()) names.Push(c.Name);
        return names;
    }

    /// <summary>"--name, --alias &lt;value&gt;", the way System.CommandLine writes an option (no value for a switch).</summary>
    static string Label(Option option)
    {
        var names = new[] { option.Name }.Concat(option.Aliases).Where(n => !n.StartsWith('/')).OrderBy(n => n.Length);
        string label = string.Join(", ", names);
        return option.Arity.MaximumNumberOfValues == 0 || option.ValueType == typeof(bool) ? label
            : $"{label} <{option.HelpName ?? option.Name.TrimStart('-')}>";
    }

    static string Describe(Option option)
    {
        string description = option.Description ?? "";
        if (!option.HasDefaultValue || option.ValueType == typeof(bool)) return description;
        string value = option.GetDefaultValue() switch
        {
            null => "",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var other => other.ToString() ?? "",
        };
        return value.Length == 0 ? description : $"{description} [default: {value}]";
    }

    /// <summary>One row: the label in the first column, the description wrapped in the second.</summary>
    static void Row(System.Text.StringBuilder text, string label, string description, int first, int width)
    {
        int indent = 2 + first + 2, room = Math.Max(20, width - indent);
        var lines = Wrap(description, room).ToList();
        if (label.Length > first)
        {
            text.Append($"  {label}\n");
            label = "";
        }
        for (int i = 0; i < Math.Max(1, lines.Count); i++)
        {
            string left = i == 0 ? $"  {label.PadRight(first)}  " : new string(' ', indent);
            text.Append((left + (i < lines.Count ? lines[i] : "")).TrimEnd()).Append('\n');
        }
    }

    static IEnumerable<string> Wrap(string text, int room)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > room)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }
}
