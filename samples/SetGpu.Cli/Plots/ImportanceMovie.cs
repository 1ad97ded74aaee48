using SetGpu.Analysis;
using SetGpu.Cli.Selection;

namespace SetGpu.Cli.Plots;

/// <summary>
/// The importance movie of a selection run on image data: the importance of every input pixel after every epoch
/// (<c>select --record-importance</c>) as a heatmap in the image's shape, one colour scale for all frames; written as
/// the connectivity movie is (PNG frames, the HTML player, the animated GIF).
/// </summary>
internal static class ImportanceMovie
{
    /// <summary>The report's snapshots, checked; a one-line error naming the file and field when they cannot be drawn.</summary>
    public static ImportanceSnapshot[] Frames(SelectionReport report, string source)
    {
        var snapshots = report.ImportancePerEpoch;
        if (snapshots is null || snapshots.Length == 0)
            throw new ArgumentException($"{source}: the report holds no importance per epoch; select with --record-importance");
        for (int i = 0; i < snapshots.Length; i++)
            if (snapshots[i]?.Importance is not { } values || values.Length != report.Features)
                throw new ArgumentException($"{source}: importancePerEpoch[{i}] holds {snapshots[i]?.Importance?.Length ?? 0} values for {report.Features} features");
            else if (Array.FindIndex(values, float.IsNaN) is int nan and >= 0)
                throw new ArgumentException($"{source}: importancePerEpoch[{i}]: the importance of feature {nan} is NaN");
        return snapshots;
    }

    /// <summary>
    /// Writes frame-000.png … into <paramref name="frameFolder"/>, the player page and the GIF; returns each frame's
    /// caption: where the top K of that moment lie (border, centre) and how many of them are in the final top K.
    /// </summary>
    public static IReadOnlyList<string> Write(SelectionReport report, string source, string frameFolder, string htmlPath, string gifPath)
    {
        var image = SelectionImage.Of(report, source);
        var frames = Frames(report, source);
        double max = frames.Max(f => f.Importance.Where(float.IsFinite).DefaultIfEmpty(0).Max());
        if (!(max > 0)) max = 1;
        int k = report.Rows.Length > 0 ? report.Rows[0].K : Math.Min(50, report.Features);
        var finalTop = report.Ranking[..k].ToHashSet();
        string dataset = DatasetLabel.Of(report.Dataset ?? "");
        string title = $"{dataset}: importance per input pixel";
        Directory.CreateDirectory(frameFolder);
        var pngs = new List<byte[]>();
        var captions = new List<string>();
        for (int i = 0; i < frames.Length; i++)
        {
            var values = frames[i].Importance;
            string label = frames[i].Epoch == 0 ? "the given model" : $"after epoch {frames[i].Epoch}";
            var top = FeatureRanking.Rank(values)[..k].ToHashSet();
            int border = 0, centre = 0;
            var pixels = new double[image.Height, image.Width];
            for (int r = 0; r < image.Height; r++)
                for (int c = 0; c < image.Width; c++)
                {
                    int f = image.Feature(r, c);
                    pixels[r, c] = float.IsFinite(values[f]) ? values[f] : 0;
                    if (!top.Contains(f)) continue;
                    if (ImageRegions.IsBorder(r, c, image.Height, image.Width)) border++;
                    if (ImageRegions.IsCentre(r, c, image.Height, image.Width)) centre++;
                }
            int kept = top.Count(finalTop.Contains);
            captions.Add($"{label}: top {k}: {border} on the border, {centre} in the centre, {kept} of the final top {k}");
            var png = ConnectivityMovie.RenderFrame(pixels, max, title, label, MethodName(report.Method));
            File.WriteAllBytes(Path.Combine(frameFolder, $"frame-{i:D3}.png"), png);
            pngs.Add(png);
        }
        MoviePage.Write(htmlPath, $"{title}: {MethodName(report.Method)} (select --method {report.Method}; captions: the top {k} of each moment)",
                        pngs, captions, alt: $"{MethodName(report.Method)} per input pixel");
        MovieGif.Write(gifPath, pngs);
        return captions;
    }

    /// <summary>What the importance of a method is: the colour bar's label.</summary>
    public static string MethodName(string method) => method switch
    {
        "quickselection" => "QuickSelection: neuron strength",
        "attribution" => "attribution: mean |∂y/∂x|",
        "wast" => "WAST importance",
        _ => $"{method} importance",
    };
}
