using ScottPlot;
using SetGpu.Data;
using SetGpu.Training;

namespace SetGpu.Cli.Plots;

/// <summary>One picture of the movie: the first layer's connections per input pixel at one moment of the run.</summary>
internal sealed record ConnectivityFrame(string Label, int[] Counts);

/// <summary>
/// The input-connectivity movie: for image data, the number of first-layer connections of every input pixel before
/// training and after each epoch, as a heatmap in the image's shape with one colour scale for all frames. Written as PNG
/// frames, as one self-contained HTML page that plays them and as an animated GIF.
/// </summary>
internal static class ConnectivityMovie
{
    /// <summary>The frames a report holds (recorded with train --record-connectivity), the initial topology first.</summary>
    public static IReadOnlyList<ConnectivityFrame> Frames(TrainingReport report, string source)
    {
        if (report.ImageShape is not [_, _])
            throw new ArgumentException($"{source}: the run's data are not images (no imageShape in the report), so there is no connectivity movie");
        var frames = new List<ConnectivityFrame>();
        if (report.InitialInputConnections is { } initial) frames.Add(new("initial topology", initial));
        foreach (var e in report.Epochs)
            if (e.InputConnections is { } counts) frames.Add(new($"after epoch {e.Epoch + 1}", counts));
        if (frames.Count == 0)
            throw new ArgumentException($"{source}: the report holds no connectivity counts; train with --record-connectivity");
        int pixels = report.ImageShape[0] * report.ImageShape[1];
        if (frames.Any(f => f.Counts.Length != pixels))
            throw new ArgumentException($"{source}: connectivity counts of {frames.First(f => f.Counts.Length != pixels).Counts.Length} inputs for a {report.ImageShape[0]}×{report.ImageShape[1]} image");
        return frames;
    }

    /// <summary>The counts as an image, row 0 at the top, whatever the pixel order of the features.</summary>
    public static double[,] Image(int[] counts, int height, int width, ImagePixelOrder order)
    {
        var image = new double[height, width];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
                image[r, c] = counts[ImagePixels.FeatureIndex(order, height, width, r, c)];
        return image;
    }

    /// <summary>One frame as a PNG: the heatmap on a fixed colour scale [0, <paramref name="max"/>] with its colour bar.</summary>
    public static byte[] RenderFrame(double[,] image, double max, string title, string subtitle, string barLabel = "connections per input pixel")
    {
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(image); // row 0 at the top, as the image is seen
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(0, max);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = barLabel;
        bar.LabelStyle.FontName = Fonts.Sans;
        plot.Title(title);
        plot.XLabel(subtitle);
        plot.Axes.Margins(0, 0);
        plot.Axes.SquareUnits();
        plot.HideGrid();
        // Pixel coordinates say nothing here: no ticks.
        foreach (var axis in new ScottPlot.IAxis[] { plot.Axes.Left, plot.Axes.Bottom })
        {
            axis.TickLabelStyle.IsVisible = false;
            axis.MajorTickStyle.Length = 0;
            axis.MinorTickStyle.Length = 0;
        }
        plot.Font.Set(Fonts.Sans);
        // Stated, not left to ScottPlot: otherwise the first frame a process draws has a bold bar label, the rest not.
        bar.LabelStyle.Bold = false;
        return plot.GetImageBytes(560, 520, ImageFormat.Png);
    }

    /// <summary>
    /// Writes frame-000.png (initial) … frame-NNN.png into <paramref name="frameFolder"/>, the player page to
    /// <paramref name="htmlPath"/> and the animated GIF to <paramref name="gifPath"/>; returns the frames' labels with the
    /// border and centre means of each.
    /// </summary>
    public static IReadOnlyList<string> Write(TrainingReport report, string source, string frameFolder, string htmlPath, string gifPath)
    {
        var frames = Frames(report, source);
        int height = report.ImageShape![0], width = report.ImageShape[1];
        double max = frames.Max(f => f.Counts.Max());
        string dataset = DatasetLabel.Of(report.Dataset ?? "");
        Directory.CreateDirectory(frameFolder);
        var pngs = new List<byte[]>();
        var captions = new List<string>();
        for (int i = 0; i < frames.Count; i++)
        {
            var (border, centre) = ImageRegions.Means(frames[i].Counts, height, width, report.ImagePixelOrder);
            string caption = $"{frames[i].Label}: {border:F1} connections per border pixel, {centre:F1} per centre pixel";
            var png = RenderFrame(Image(frames[i].Counts, height, width, report.ImagePixelOrder), max,
                                  $"{dataset}: first-layer connections per input pixel", frames[i].Label);
            File.WriteAllBytes(Path.Combine(frameFolder, $"frame-{i:D3}.png"), png);
            pngs.Add(png);
            captions.Add(caption);
        }
        var spec = report.Spec;
        string shape = spec is SetMlpSpec mlp ? mlp.Shape : spec is SetRbmSpec rbm ? $"{rbm.Visible}-{rbm.Hidden} RBM" : "";
        string title = $"{dataset}: first-layer connections per input pixel, {TopologyName(spec.Topology)} {shape}, " +
                       $"ε = {spec.Epsilon}, ζ = {spec.Zeta}";
        MoviePage.Write(htmlPath, title, pngs, captions);
        MovieGif.Write(gifPath, pngs);
        return captions;
    }

    /// <summary>How a topology is named in titles and legends.</summary>
    public static string TopologyName(TopologyKind topology) =>
        topology switch { TopologyKind.Set => "SET", TopologyKind.StaticSparse => "static sparse", _ => "dense" };
}
