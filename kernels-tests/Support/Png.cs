using SkiaSharp;

namespace SetGpu.KernelsTests.Support;

/// <summary>What a PNG shows, roughly: its size, how many distinct colours, how much of it differs from its background.</summary>
internal sealed record PngStats(int Width, int Height, int DistinctColours, double NonBackgroundFraction, Dictionary<uint, int> Colours)
{
    public static PngStats Of(string path)
    {
        using var bitmap = SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path}: not a decodable image");
        var counts = new Dictionary<uint, int>();
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                uint c = (uint)bitmap.GetPixel(x, y);
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        int background = counts.Values.Max();
        long total = (long)bitmap.Width * bitmap.Height;
        return new PngStats(bitmap.Width, bitmap.Height, counts.Count, (total - background) / (double)total, counts);
    }

    /// <summary>Whether some pixel lies within <paramref name="tolerance"/> of the colour in every channel.</summary>
    public bool Has(byte r, byte g, byte b, int tolerance = 12) => Count(r, g, b, tolerance) > 0;

    /// <summary>Pixels within <paramref name="tolerance"/> of the colour in every channel.</summary>
    public int Count(byte r, byte g, byte b, int tolerance = 12) => Colours.Where(p =>
        Math.Abs((int)((p.Key >> 16) & 0xFF) - r) <= tolerance && Math.Abs((int)((p.Key >> 8) & 0xFF) - g) <= tolerance
        && Math.Abs((int)(p.Key & 0xFF) - b) <= tolerance).Sum(p => p.Value);
}
