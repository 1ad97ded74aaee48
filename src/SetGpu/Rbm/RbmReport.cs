using System.Text.Json;
using System.Text.Json.Serialization;

namespace SetGpu.Rbm;

/// <summary>A whole RBM run: configuration, device, data and one record per epoch. Written as JSON by <c>rbm --report</c>.</summary>
public sealed record RbmReport
{
    /// <summary>Report format version.</summary>
    public int Version { get; init; } = 1;
    /// <summary>Engine name.</summary>
    public required string Engine { get; init; }
    /// <summary>The device, in words.</summary>
    public required string Device { get; init; }
    /// <summary>Dataset name or file.</summary>
    public required string Dataset { get; init; }
    /// <summary>Training samples.</summary>
    public int TrainSamples { get; init; }
    /// <summary>Test samples.</summary>
    public int TestSamples { get; init; }
    /// <summary>Architecture and SET parameters.</summary>
    public required RbmOptions Model { get; init; }
    /// <summary>Contrastive divergence, optimiser and metrics.</summary>
    public required RbmTrainingOptions Training { get; init; }
    /// <summary>Connections at initialisation.</summary>
    public long InitialConnections { get; init; }
    /// <summary>When the run started (UTC).</summary>
    public DateTime StartedUtc { get; init; } = DateTime.UtcNow;
    /// <summary>Per-epoch records.</summary>
    public List<RbmEpochRecord> Epochs { get; init; } = [];

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Writes the report as JSON, atomically (temporary file, then rename).</summary>
    public void Save(string path) => SetGpu.Training.ReportFile.WriteAtomically(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads a report written by <see cref="Save"/>.</summary>
    public static RbmReport Load(string path) =>
        JsonSerializer.Deserialize<RbmReport>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: not an RBM report");
}
