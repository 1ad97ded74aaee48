using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SetGpu.GpuBundle;

/// <summary>The JSON of the bundle's results and report: camelCase, indented, readable non-ASCII (ε, ×).</summary>
internal static class BundleJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> through a temporary file, so that a reader
    /// never sees half of it.</summary>
    public static void Write<T>(string path, T value) => WriteText(path, JsonSerializer.Serialize(value, Options));

    public static void WriteText(string path, string text)
    {
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The JSON result in <paramref name="path"/>, or null where there is none.</summary>
    public static T? Read<T>(string path) where T : class =>
        File.Exists(path) ? JsonSerializer.Deserialize<T>(File.ReadAllText(path), Options) : null;
}
