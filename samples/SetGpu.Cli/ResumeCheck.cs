using System.Text.Json;
using System.Text.Json.Serialization;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>Where a command line given with --resume disagrees with the checkpoint's configuration, by option name.</summary>
internal static class ResumeCheck
{
    /// <summary>The command-line option of every configuration field (JSON names of <see cref="SetMlpOptions"/> and <see cref="TrainingOptions"/>).</summary>
    static readonly Dictionary<string, string> OptionOf = new()
    {
        ["layerSizes"] = "--hidden", ["hiddenActivation"] = "--activation", ["outputActivation"] = "--output", ["loss"] = "--loss",
        ["epsilon"] = "--epsilon", ["zeta"] = "--zeta", ["topology"] = "--topology", ["evolveOutputLayer"] = "--no-output-evolution",
        ["weightInit"] = "--init", ["epochs"] = "--epochs", ["batchSize"] = "--batch", ["learningRate"] = "--lr",
        ["schedule"] = "--lr-schedule", ["momentum"] = "--momentum", ["nesterov"] = "--nesterov", ["weightDecay"] = "--weight-decay",
        ["dropout"] = "--dropout", ["seed"] = "--seed", ["recordInputConnectivity"] = "--record-connectivity",
    };

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>One line per field that differs: "--lr: the checkpoint has 0.01, the command line 0.05".</summary>
    public static List<string> Conflicts(SetMlpOptions savedModel, SetMlpOptions model, TrainingOptions savedTraining, TrainingOptions training)
    {
        var list = new List<string>();
        Compare(JsonSerializer.SerializeToElement(savedModel, Json), JsonSerializer.SerializeToElement(model, Json), list);
        Compare(JsonSerializer.SerializeToElement(savedTraining, Json), JsonSerializer.SerializeToElement(training, Json), list);
        return list;
    }

    static void Compare(JsonElement saved, JsonElement given, List<string> list)
    {
        foreach (var field in saved.EnumerateObject())
        {
            string before = field.Value.GetRawText(), now = given.GetProperty(field.Name).GetRawText();
            if (before != now)
                list.Add($"{OptionOf.GetValueOrDefault(field.Name, field.Name)}: the checkpoint has {before}, the command line {now}");
        }
    }
}
