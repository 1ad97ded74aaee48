using ScottPlot;

namespace SetGpu.Cli.Plots;

/// <summary>The pairwise topology distances of several networks as a heat map, each cell labelled with its value.</summary>
internal static class DistanceHeatmap
{
    public static void Write(string[] names, double[,] distances, string path)
    {
        int n = names.Length;
        var plot = new Plot();
        var map = plot.Add.Heatmap(distances);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        // Row 0 on top, cell centres on whole numbers (the extent names the corner cells' centres), so the tick labels
        // sit under and beside their cells.
        map.Extent = new CoordinateRect(0, n - 1, 0, n - 1);
        map.ManualRange = new ScottPlot.Range(0, Math.Max(1e-9, Max(distances)));
        var bar = plot.Add.ColorBar(map);
        bar.Label = "NNSTD";
        bar.LabelStyle.FontName = Fonts.Sans;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
            {
                var text = plot.Add.Text(distances[a, b].ToString("F3", System.Globalization.CultureInfo.InvariantCulture), b, n - 1 - a);
                text.Alignment = Alignment.MiddleCenter;
                text.LabelStyle.ForeColor = distances[a, b] > 0.6 * Max(distances) ? Colors.Black : Colors.White;
                text.LabelFontSize = n <= 6 ? 14 : 10;
                text.LabelFontName = Fonts.Sans;
            }
        double[] positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, names);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions.Select(p => n - 1 - p).ToArray(), names);
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.Title("Topology distance (NNSTD) between networks");
        plot.Font.Set(Fonts.Sans);
        plot.Axes.Bottom.TickLabelStyle.FontName = plot.Axes.Left.TickLabelStyle.FontName = Fonts.Sans;
        bar.Axis.TickLabelStyle.FontName = Fonts.Sans;
        int size = Math.Clamp(120 * n + 260, 520, 1400);
        plot.SavePng(path, size + 120, size);
    }

    static double Max(double[,] values) => values.Cast<double>().Max();
}
