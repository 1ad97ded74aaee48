using SkiaSharp;

namespace SetGpu.RbmFeatures;

/// <summary>
/// A grid of grey-scale tiles saved as PNG: one tile per hidden unit (its receptive field) or per image.
/// COIL20 stores each 32×32 image column by column (value k is row k mod 32 of column k / 32), so that is
/// how tiles are read here.
/// </summary>
internal static class TileImage
{
    /// <summary>
    /// Writes <paramref name="tiles"/> (each side×side values, column-major) as a grid of <paramref name="columns"/>
    /// tiles per row, each pixel scaled up <paramref name="zoom"/> times, with a 2-pixel gap. <paramref name="shade"/>
    /// maps a tile's value to a grey level in [0, 1].
    /// </summary>
    public static void Save(string path, IReadOnlyList<float[]> tiles, int side, int columns, int zoom, Func<float[], float, float> shade)
    {
        const int gap = 2;
        int rows = (tiles.Count + columns - 1) / columns;
        int cell = side * zoom + gap;
        using var bitmap = new SKBitmap(columns * cell + gap, rows * cell + gap, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap)) canvas.Clear(new SKColor(40, 40, 48));
        for (int t = 0; t < tiles.Count; t++)
        {
            int x0 = gap + t % columns * cell, y0 = gap + t / columns * cell;
            var tile = tiles[t];
            for (int col = 0; col < side; col++)
                for (int row = 0; row < side; row++)
                {
                    byte g = (byte)Math.Clamp(MathF.Round(255 * shade(tile, tile[col * side + row])), 0, 255);
                    var colour = new SKColor(g, g, g);
                    for (int dy = 0; dy < zoom; dy++)
                        for (int dx = 0; dx < zoom; dx++) bitmap.SetPixel(x0 + col * zoom + dx, y0 + row * zoom + dy, colour);
                }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        png.SaveTo(file);
    }

    /// <summary>Weights: 0 (and absent connections) mid-grey, the tile's largest |w| black (negative) or white (positive).</summary>
    public static float Diverging(float[] tile, float value)
    {
        float max = tile.Max(MathF.Abs);
        return max > 0 ? 0.5f + 0.5f * value / max : 0.5f;
    }

    /// <summary>Pixel values already in [0, 1].</summary>
    public static float Intensity(float[] tile, float value) => value;
}
