namespace SetGpu.GpuBundle;

/// <summary>Text for the log and the report.</summary>
internal static class Text
{
    /// <summary>At most <paramref name="length"/> characters, marked where cut.</summary>
    public static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + " …";
}
