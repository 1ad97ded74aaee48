using System.Text.Json;
using System.Text.Json.Serialization;
using SetGpu.Data;
using SetGpu.Training;

namespace SetGpu.Cli.Selection;

/// <summary>What <c>select</c> did and measured, written as JSON by <c>--report</c>.</summary>
internal sealed record SelectionReport
{
    public required string Dataset { get; init; }
    public required string Method { get; init; }
    public required string Split { get; init; }
    public required int TrainSamples { get; init; }
    public required int TestSamples { get; init; }
    public required int Features { get; init; }
    public required string Classifier { get; init; }
    public required SetMlpSpec Autoencoder { get; init; }
    public required string Engine { get; init; }
    /// <summary>The autoencoder's test reconstruction error (mean (y − x)² per input) after each epoch.</summary>
    public required double[] ReconstructionError { get; init; }
    /// <summary>Seconds to train the autoencoder and rank the features (the method's cost, without the evaluation).</summary>
    public required double SelectionSeconds { get; init; }
    /// <summary>The classifier and k-means on all features; null under --no-baselines, as the random rows.</summary>
    public required FeatureScore? AllFeatures { get; init; }
    public required int RandomDraws { get; init; }
    public required SelectionRow[] Rows { get; init; }
    /// <summary>WAST's cost (--method wast only): its per-batch work beside the training it rides on.</summary>
    public WastTiming? Wast { get; init; }
    /// <summary>Feature indices (0-based), most important first.</summary>
    public required int[] Ranking { get; init; }
    /// <summary>Height and width of the input images ([height, width]); absent when the data are not images.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int[]? ImageShape { get; init; }
    /// <summary>How an image's pixels are laid out in the features (with <see cref="ImageShape"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImagePixelOrder? ImagePixelOrder { get; init; }
    /// <summary>Image data: the training split's mean of every feature (as scaled for the method), the background of plot's mask.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonConverter(typeof(CompactFloatArrayConverter))]
    public float[]? MeanImage { get; init; }
    /// <summary>With --record-importance: the importance of every input after every epoch (or the final map only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImportanceSnapshot[]? ImportancePerEpoch { get; init; }

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads a report written by <see cref="Save"/>.</summary>
    /// <exception cref="ReportFormatException">Missing, unreadable or not a selection report; the message names the file.</exception>
    public static SelectionReport Load(string path)
    {
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReportFormatException(path, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : $"cannot read the file ({e.Message})", e);
        }
        try
        {
            return JsonSerializer.Deserialize<SelectionReport>(json, Json) ?? throw new ReportFormatException(path, "not a selection report (JSON null)");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new ReportFormatException(path, $"not a selection report ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    /// <summary>Whether <paramref name="json"/> is a selection report (it ranks features) rather than a training report.</summary>
    public static bool IsSelectionReport(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("ranking", out _);
        }
        catch (JsonException) { return json.Contains("\"ranking\"", StringComparison.Ordinal); } // a damaged one: its reader says what is wrong
    }
}

/// <summary>One K: the selected features' scores beside K random features' (mean and sd over the draws; null when none were drawn).</summary>
internal sealed record SelectionRow(int K, FeatureScore Selected, FeatureScore? RandomMean, FeatureScore? RandomSd);

/// <summary>
/// Where a WAST run's time went: <see cref="TrainSeconds"/> is the training of all epochs, WAST's work included;
/// <see cref="ImportanceSeconds"/> and <see cref="EvolutionSeconds"/> are that work (the importance after every batch; drop,
/// growth, CSR rebuild and incoming index after every evolving batch), <see cref="DropSeconds"/> to <see cref="IndexSeconds"/>
/// the evolution's stages. <see cref="Scored"/>: positions the growth scored.
/// </summary>
internal sealed record WastTiming(long Batches, long Steps, double TrainSeconds, double ImportanceSeconds, double EvolutionSeconds,
                                  long Scored, long Connections, double DropSeconds, double GrowthSeconds, double RebuildSeconds,
                                  double IndexSeconds);
