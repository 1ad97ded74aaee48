using System.Text.Json;
using System.Text.Json.Serialization;

namespace SetGpu.Cli;

/// <summary>Where a command line given with --resume disagrees with the checkpoint's specification, by option name.</summary>
internal static class ResumeCheck
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>One line per field that differs: "--lr: the checkpoint has 0.01, the command line 0.05".</summary>
    public static List<string> Conflicts(SetSpec saved, SetSpec given)
    {
        var list = new List<string>();
        Compare("", JsonSerializer.SerializeToElement(saved, Json), JsonSerializer.SerializeToElement(given, Json), list);
        return list;
    }

    static void Compare(string prefix, JsonElement saved, JsonElement given, List<string> list)
    {
        // Objects of another kind (an optimiser) differ in their kind, not in every field one of them has.
        if (saved.TryGetProperty("kind", out var savedKind) && given.TryGetProperty("kind", out var givenKind)
            && savedKind.GetRawText() != givenKind.GetRawText())
        {
            list.Add($"{OptionNames.Of(prefix + "kind")}: the checkpoint has {savedKind.GetRawText()}, the command line {givenKind.GetRawText()}");
            return;
        }
        foreach (var field in saved.EnumerateObject())
        {
            string path = prefix + field.Name;
            var other = given.TryGetProperty(field.Name, out var g) ? g : default;
            if (field.Value.ValueKind == JsonValueKind.Object && other.ValueKind == JsonValueKind.Object)
                Compare(path + ".", field.Value, other, list);
            else if (field.Value.GetRawText() != (other.ValueKind == JsonValueKind.Undefined ? "none" : other.GetRawText()))
                list.Add($"{OptionNames.Of(path)}: the checkpoint has {field.Value.GetRawText()}, the command line {(other.ValueKind == JsonValueKind.Undefined ? "none" : other.GetRawText())}");
        }
    }
}
