using System.Text.Json;
using System.Text.Json.Serialization;
using SetGpu.Model;

namespace SetGpu.Training;

/// <summary>A whole run: configuration, device, data, and one record per epoch. Written as JSON by <c>--report</c>.</summary>
public sealed record TrainingReport
{
    /// <summary>Report format version.</summary>
    public int Version { get; init; } = 1;
    /// <summary>Engine name (cpu, ilgpu-cpu, opencl, cuda).</summary>
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
    public required SetMlpOptions Model { get; init; }
    /// <summary>Optimiser and schedule.</summary>
    public required TrainingOptions Training { get; init; }
    /// <summary>Connections at initialisation.</summary>
    public long InitialConnections { get; init; }
    /// <summary>Seconds to create the network.</summary>
    public double CreationSeconds { get; init; }
    /// <summary>When the run started (UTC).</summary>
    public DateTime StartedUtc { get; init; } = DateTime.UtcNow;
    /// <summary>Height and width of the input images ([height, width]), null when the data are not images.</summary>
    public int[]? ImageShape { get; init; }
    /// <summary>How an input image's pixels are laid out in the features (with <see cref="ImageShape"/>).</summary>
    public Data.ImagePixelOrder ImagePixelOrder { get; init; }
    /// <summary>
    /// Connections of every input neuron in the first layer before training (with
    /// <see cref="TrainingOptions.RecordInputConnectivity"/>): the first frame of the input-connectivity movie.
    /// </summary>
    public int[]? InitialInputConnections { get; set; }
    /// <summary>Per-epoch records.</summary>
    public List<EpochRecord> Epochs { get; init; } = [];

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Writes the report as JSON, atomically (temporary file, then rename).</summary>
    public void Save(string path) => ReportFile.WriteAtomically(path, ToJson());

    /// <summary>Reads a report written by <see cref="Save"/>; an unreadable file is an error naming it.</summary>
    public static TrainingReport Load(string path) => FromJson(File.ReadAllText(path), path);

    /// <summary>The report as JSON, as <see cref="Save"/> writes it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses JSON written by <see cref="ToJson"/>; <paramref name="source"/> names it in errors.</summary>
    public static TrainingReport FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingReport>(json, Json)
                   ?? throw new InvalidDataException($"{source}: not a training report (JSON null)");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a training report ({e.Message})", e);
        }
    }
}
