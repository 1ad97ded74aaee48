using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SetGpu.GpuBundle.Reporting;

/// <summary>How a section of the run ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SectionStatus>))]
internal enum SectionStatus
{
    /// <summary>Not reached (yet): the report is written before every section, so a stopped run still lists it.</summary>
    NotRun,
    Passed,
    Failed,
    /// <summary>It ran past its budget and was stopped; what it had finished is kept.</summary>
    TimedOut,
    /// <summary>Not part of this mode (--quick), or not possible here (no ptxas); the reason is its summary.</summary>
    Skipped,
}

/// <summary>One section of the report: what it measured or checked, how it ended, and its time against its budget.</summary>
internal sealed class SectionResult(string id, string title, double budgetSeconds)
{
    public string Id { get; } = id;
    public string Title { get; } = title;
    /// <summary>The seconds the run's plan gives it (on a GPU machine); it is stopped past them.</summary>
    public double BudgetSeconds { get; set; } = budgetSeconds;
    public SectionStatus Status { get; set; } = SectionStatus.NotRun;
    public double Seconds { get; set; }
    /// <summary>One line: the result, or why there is none.</summary>
    public string Summary { get; set; } = "not reached: the run stopped before this section";
    /// <summary>Failures, warnings and remarks, each a line.</summary>
    public List<string> Notes { get; } = [];
    [JsonIgnore] public List<MarkdownTable> Tables { get; } = [];
    /// <summary>The measured values, as the section's programs wrote them.</summary>
    public JsonObject Details { get; } = [];

    /// <summary>Ends the section as failed with <paramref name="why"/>, keeping anything it had already found.</summary>
    public void Fail(string why)
    {
        Status = SectionStatus.Failed;
        Summary = why;
    }
}

/// <summary>A table for the markdown report.</summary>
internal sealed class MarkdownTable(string caption, params string[] headers)
{
    public string Caption { get; } = caption;
    public string[] Headers { get; } = headers;
    /// <summary>Per header whether its column is numbers (right-aligned).</summary>
    public bool[] Numeric { get; } = headers.Select(h => h.StartsWith('#')).ToArray();
    public List<string[]> Rows { get; } = [];

    public void Add(params string[] row) => Rows.Add(row);
}
