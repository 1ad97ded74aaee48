using System.Text.Json;
using System.Text.Json.Serialization;

namespace SetGpu.Training;

/// <summary>
/// A whole run of any SET model: the specification, the device, the data and one record per epoch. The run writes it;
/// nothing reads configuration from it. Saved as JSON (atomically) by <c>--report</c>, and kept in checkpoints.
/// </summary>
public sealed record TrainingReport
{
    /// <summary>Report format version.</summary>
    public int Version { get; init; } = 2;
    /// <summary>The model and how it is trained (its <c>model</c> field says which: <c>mlp</c> or <c>rbm</c>).</summary>
    public required SetSpec Spec { get; init; }
    /// <summary>The device, as the command line names it (<c>cpu</c>, <c>opencl:0</c>, …).</summary>
    public required string Engine { get; set; }
    /// <summary>The device, in words.</summary>
    public required string Device { get; set; }
    /// <summary>Dataset name or file.</summary>
    public string? Dataset { get; set; }
    /// <summary>Training samples.</summary>
    public int TrainSamples { get; set; }
    /// <summary>Validation samples (0 without a validation split).</summary>
    public int ValidationSamples { get; set; }
    /// <summary>Test samples (0 without a test split).</summary>
    public int TestSamples { get; set; }
    /// <summary>Connections at initialisation.</summary>
    public long InitialConnections { get; init; }
    /// <summary>Seconds to create the network.</summary>
    public double CreationSeconds { get; init; }
    /// <summary>When the run started (UTC).</summary>
    public DateTime StartedUtc { get; init; } = DateTime.UtcNow;
    /// <summary>Height and width of the input images ([height, width]), null when the data are not images.</summary>
    public int[]? ImageShape { get; set; }
    /// <summary>How an input image's pixels are laid out in the features (with <see cref="ImageShape"/>).</summary>
    public Data.ImagePixelOrder ImagePixelOrder { get; set; }
    /// <summary>
    /// Connections of every input neuron in the first layer before training, when the run records them
    /// (<see cref="FitOptions.RecordInputConnectivity"/>): the first frame of the input-connectivity movie.
    /// </summary>
    public int[]? InitialInputConnections { get; set; }
    /// <summary>The epoch with the lowest validation loss so far (0-based), null without a validation split.</summary>
    public int? BestEpoch { get; set; }
    /// <summary>Whether early stopping ended the run before its last epoch.</summary>
    public bool StoppedEarly { get; set; }
    /// <summary>
    /// The epoch (0-based) whose training loss was not finite, which ended the run with a
    /// <see cref="TrainingDivergedException"/>; null when none was. <see cref="Epochs"/> ends before it.
    /// </summary>
    public int? DivergedInEpoch { get; set; }
    /// <summary>Per-epoch records.</summary>
    public List<EpochRecord> Epochs { get; init; } = [];

    /// <summary>Whether the run has trained every epoch it will (all of them, or until early stopping).</summary>
    [JsonIgnore]
    public bool IsComplete => StoppedEarly || Epochs.Count >= Spec.Epochs;

    /// <summary>A deep enough copy to keep while the run goes on appending records.</summary>
    public TrainingReport Snapshot() => this with { Epochs = [.. Epochs] };

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Writes the report as JSON to <paramref name="path"/>, atomically (temporary file, then rename).</summary>
    public void Save(string path) => ReportFile.WriteAtomically(path, ToJson());

    /// <summary>Reads a report written by <see cref="Save"/>.</summary>
    /// <exception cref="ReportFormatException">The file is missing, unreadable or not a report; the message names it.</exception>
    public static TrainingReport Load(string path)
    {
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReportFormatException(path, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : $"cannot read the file ({e.Message})", e);
        }
        return FromJson(json, path);
    }

    /// <summary>The report as JSON, as <see cref="Save"/> writes it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses JSON written by <see cref="ToJson"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ReportFormatException">Not JSON, not a report, or of another format version.</exception>
    public static TrainingReport FromJson(string json, string source)
    {
        TrainingReport? report;
        try { report = JsonSerializer.Deserialize<TrainingReport>(json, Json); }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            // ArgumentException: a value that a specification's setter refuses.
            throw new ReportFormatException(source, $"not a training report ({e.Message})", e);
        }
        if (report is null) throw new ReportFormatException(source, "not a training report (JSON null)");
        if (report.Version != 2)
            throw new ReportFormatException(source, $"report format version {report.Version}; this build reads version 2");
        // JSON null is accepted for non-nullable members; the readers of a report (plot, resume) rely on these.
        if (report.Spec is null) throw new ReportFormatException(source, "the report has no specification (spec)");
        if (report.Epochs is null) throw new ReportFormatException(source, "the report has no epoch list (epochs)");
        for (int i = 0; i < report.Epochs.Count; i++)
            if (report.Epochs[i] is null || report.Epochs[i].LayerConnections is null)
                throw new ReportFormatException(source, $"epoch record {i} is {(report.Epochs[i] is null ? "null" : "missing its layer connections")}");
        return report;
    }
}
