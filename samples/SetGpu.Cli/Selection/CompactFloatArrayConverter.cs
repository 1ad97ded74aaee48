using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SetGpu.Cli.Selection;

/// <summary>
/// A float array written on one line, shortest round-trip digits, even inside an indented report: 784 inputs × 100
/// epochs stay one line per epoch instead of 78,400 lines. Non-finite values are written as the named literals the
/// report's reader accepts ("NaN", "Infinity").
/// </summary>
internal sealed class CompactFloatArrayConverter : JsonConverter<float[]>
{
    public override float[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected an array of numbers");
        var values = new List<float>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            values.Add(reader.TokenType switch
            {
                JsonTokenType.Number => reader.GetSingle(),
                JsonTokenType.String when float.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out float v) => v,
                _ => throw new JsonException($"expected a number, found {reader.TokenType}"),
            });
        return [.. values];
    }

    public override void Write(Utf8JsonWriter writer, float[] value, JsonSerializerOptions options)
    {
        var line = new StringBuilder(value.Length * 10 + 2).Append('[');
        for (int i = 0; i < value.Length; i++)
        {
            if (i > 0) line.Append(',');
            float v = value[i];
            if (float.IsFinite(v)) line.Append(v.ToString("R", CultureInfo.InvariantCulture));
            else line.Append('"').Append(v.ToString(CultureInfo.InvariantCulture)).Append('"');
        }
        writer.WriteRawValue(line.Append(']').ToString(), skipInputValidation: true);
    }
}
