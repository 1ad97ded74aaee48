using System.Text;
using System.Text.Json;

namespace SetGpu.GpuBundle.Reporting;

/// <summary>
/// The run's report: report.json and report.md in the report folder, both rewritten after every section, so that
/// every section is in them however far the run got. The first lines say on what device the run was made, and whether
/// that is a GPU.
/// </summary>
internal sealed class Report(string folder, IReadOnlyList<SectionResult> sections)
{
    public required string Mode { get; init; }
    /// <summary>The engine of the device rows: cuda, or the fallback where no CUDA device was found.</summary>
    public string DeviceEngine { get; set; } = "cuda";
    /// <summary>True only when the device rows ran on a CUDA device.</summary>
    public bool GpuResult { get; set; }
    public string Device { get; set; } = "not known yet";
    public string Host { get; set; } = "not known yet";
    public string Bundle { get; init; } = "";
    public double BudgetSeconds { get; set; }
    /// <summary>Why the budgets differ from the plan's, if they do.</summary>
    public string? BudgetNote { get; set; }
    public double Seconds { get; set; }
    public DateTime StartedUtc { get; } = DateTime.UtcNow;
    public IReadOnlyList<SectionResult> Sections => sections;

    /// <summary>Whether every section that ran passed.</summary>
    public bool Passed => sections.All(s => s.Status is SectionStatus.Passed or SectionStatus.Skipped);

    public string Headline => GpuResult
        ? $"Device: {Device} ({DeviceEngine}). A GPU result."
        : DeviceEngine == "cuda"
            ? $"No CUDA device was found ({Device}): the device rows failed; the CPU engine's rows ran. Not a GPU result."
            : $"No CUDA device here: every device row ran on {DeviceEngine} ({Device}), on the host's own cores. Not a GPU result.";

    public void Write()
    {
        Directory.CreateDirectory(folder);
        BundleJson.WriteText(Path.Combine(folder, "report.json"), JsonSerializer.Serialize(new
        {
            headline = Headline, gpuResult = GpuResult, deviceEngine = DeviceEngine, device = Device, host = Host, mode = Mode,
            bundle = Bundle, startedUtc = StartedUtc, seconds = Seconds, budgetSeconds = BudgetSeconds, budgetNote = BudgetNote, passed = Passed, sections,
        }, BundleJson.Options));
        BundleJson.WriteText(Path.Combine(folder, "report.md"), Markdown());
    }

    string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# SetGpu GPU bundle report").AppendLine();
        md.AppendLine($"**{Headline}**").AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        md.AppendLine($"| mode | {Mode}: {Seconds:F0} s of a {BudgetSeconds:F0} s budget{(BudgetNote is null ? "" : $" ({BudgetNote})")} |");
        md.AppendLine($"| device rows | {DeviceEngine}: {Device} |");
        md.AppendLine($"| host (the CPU engine's rows) | {Host} |");
        md.AppendLine($"| bundle | {Bundle} |");
        md.AppendLine($"| started | {StartedUtc:yyyy-MM-dd HH:mm:ss} UTC |").AppendLine();

        md.AppendLine("## First look").AppendLine();
        md.AppendLine("| section | status | seconds (budget) | result |").AppendLine("|---|---|---:|---|");
        foreach (var s in sections)
            md.AppendLine($"| [{s.Title}](#{s.Id}) | {Status(s.Status)} | {s.Seconds:F0} ({s.BudgetSeconds:F0}) | {Cell(s.Summary)} |");
        foreach (var s in sections)
        {
            md.AppendLine().AppendLine($"## {s.Title}").AppendLine().AppendLine($"<a id=\"{s.Id}\"></a>");
            md.AppendLine($"**{Status(s.Status)}** in {s.Seconds:F0} s (budget {s.BudgetSeconds:F0} s): {s.Summary}").AppendLine();
            foreach (var note in s.Notes) md.AppendLine($"- {note.Replace("\n", " ", StringComparison.Ordinal)}");
            if (s.Notes.Count > 0) md.AppendLine();
            foreach (var table in s.Tables) AppendTable(md, table);
        }
        return md.ToString();
    }

    static void AppendTable(StringBuilder md, MarkdownTable table)
    {
        if (table.Caption != "") md.AppendLine(table.Caption).AppendLine();
        md.AppendLine("| " + string.Join(" | ", table.Headers.Select(h => h.TrimStart('#'))) + " |");
        md.AppendLine("|" + string.Concat(table.Numeric.Select(n => n ? "---:|" : "---|")));
        foreach (var row in table.Rows) md.AppendLine("| " + string.Join(" | ", row.Select(Cell)) + " |");
        md.AppendLine();
    }

    static string Status(SectionStatus status) => status switch
    {
        SectionStatus.Passed => "passed",
        SectionStatus.Failed => "FAILED",
        SectionStatus.TimedOut => "TIMED OUT",
        SectionStatus.Skipped => "skipped",
        _ => "not run",
    };

    static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
