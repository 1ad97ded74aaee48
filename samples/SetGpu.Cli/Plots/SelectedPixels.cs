using SetGpu.Cli.Selection;
using SetGpu.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SetGpu.Cli.Plots;

/// <summary>The image shape of a selection report, checked against its features: what every picture of it needs.</summary>
internal sealed record SelectionImage(int Height, int Width, ImagePixelOrder Order)
{
    /// <summary>The report's image shape, or a one-line error naming the file and the field at fault.</summary>
    public static SelectionImage Of(SelectionReport report, string source)
    {
        if (report.ImageShape is null)
            throw new ArgumentException($"{source}: not image data (the report has no imageShape: {report.Dataset}'s {report.Features} features are not pixels), so there are no pixels to draw");
        if (report.ImageShape is not [int h, int w] || h < 1 || w < 1 || (long)h * w != report.Features)
            throw new ArgumentException($"{source}: imageShape [{string.Join(", ", report.ImageShape)}] does not fit the report's {report.Features} features");
        if (report.Ranking is null || report.Ranking.Length != report.Features)
            throw new ArgumentException($"{source}: ranking holds {report.Ranking?.Length ?? 0} features, the report has {report.Features}");
        var seen = new bool[report.Features];
        foreach (int f in report.Ranking)
        {
            if (f < 0 || f >= report.Features) throw new ArgumentException($"{source}: ranking: feature {f} is outside 0…{report.Features - 1}");
            if (seen[f]) throw new ArgumentException($"{source}: ranking: feature {f} is ranked twice");
            seen[f] = true;
        }
        if (report.MeanImage is { } mean && mean.Length != report.Features)
            throw new ArgumentException($"{source}: meanImage holds {mean.Length} values for {report.Features} features");
        if (report.Rows is null || report.Rows.Any(r => r is null || r.K < 1 || r.K > report.Features))
            throw new ArgumentException($"{source}: rows: every K must lie in 1…{report.Features}");
        return new(h, w, report.ImagePixelOrder ?? ImagePixelOrder.RowMajor);
    }

    /// <summary>The feature index of pixel (row, column).</summary>
    public int Feature(int row, int column) => ImagePixels.FeatureIndex(Order, Height, Width, row, column);
}

/// <summary>
/// The pixels a selection keeps, for image data: the mask alone (selected white, the rest black) and the training
/// split's mean image in grey with the selected pixels in red. Each pixel is a square block of <see cref="Scale"/>
/// screen pixels, drawn exactly (no smoothing), row 0 at the top, so the file can be read back pixel for pixel.
/// </summary>
internal static class SelectedPixels
{
    /// <summary>The colour of a selected pixel over the mean image (ColorBrewer's Set1 red: apart from every grey).</summary>
    public static readonly Rgba32 Selected = new(228, 26, 28);

    /// <summary>Screen pixels per image pixel: the longer side at least 320 (28×28 → 336, 32×32 → 320).</summary>
    public static int Scale(SelectionImage image) => Math.Max(1, (320 + Math.Max(image.Height, image.Width) - 1) / Math.Max(image.Height, image.Width));

    /// <summary>The mask of <paramref name="selected"/>: white where selected, black elsewhere.</summary>
    public static void WriteMask(SelectionImage image, IReadOnlyCollection<int> selected, string path)
    {
        var chosen = selected.ToHashSet();
        Write(image, (r, c) => chosen.Contains(image.Feature(r, c)) ? new Rgba32(255, 255, 255) : new Rgba32(0, 0, 0), path);
    }

    /// <summary>
    /// The mean image in grey, stretched to black…white over its own range (mid-grey without one), and the selected
    /// pixels in <see cref="Selected"/>.
    /// </summary>
    public static void WriteOverMean(SelectionImage image, float[]? mean, IReadOnlyCollection<int> selected, string path)
    {
        var chosen = selected.ToHashSet();
        float low = mean is null ? 0 : mean.Min(), high = mean is null ? 0 : mean.Max();
        byte Grey(int f) => mean is null || !(high > low) ? (byte)128 : (byte)Math.Round(255 * (mean[f] - low) / (high - low));
        Write(image, (r, c) =>
        {
            int f = image.Feature(r, c);
            if (chosen.Contains(f)) return Selected;
            byte g = Grey(f);
            return new Rgba32(g, g, g);
        }, path);
    }

    static void Write(SelectionImage image, Func<int, int, Rgba32> colour, string path)
    {
        int scale = Scale(image);
        using var png = new Image<Rgba32>(image.Width * scale, image.Height * scale);
        png.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var line = rows.GetRowSpan(y);
                for (int x = 0; x < line.Length; x++) line[x] = colour(y / scale, x / scale);
            }
        });
        png.SaveAsPng(path);
    }
}
