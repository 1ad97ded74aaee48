using ScottPlot;
using SetGpu.Model;

namespace SetGpu.Cli.Plots;

/// <summary>Pictures of a trained network: its weights and connections per neuron, one panel per layer.</summary>
internal static class NetworkPlots
{
    /// <summary>Histogram of the weights of every layer (the connections that exist: there are no zeros to hide).</summary>
    public static void WeightHistograms(IReadOnlyList<SparseLayer> layers, string title, string path)
    {
        var multiplot = Panels(layers.Count);
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var plot = multiplot.GetPlot(l);
            var weights = layer.Weights.Select(w => (double)w).ToArray();
            var histogram = ScottPlot.Statistics.Histogram.WithBinCount(80, weights.Min(), weights.Max() + 1e-9);
            histogram.AddRange(weights);
            plot.Add.Histogram(histogram);
            plot.Title($"{title} layer {l}: {layer.Inputs}→{layer.Outputs}");
            plot.XLabel($"weight ({layer.Connections:N0} connections)");
            plot.YLabel("connections");
            plot.Axes.Margins(bottom: 0);
        }
        foreach (var plot in multiplot.GetPlots()) plot.Font.Set(Fonts.Sans);
        multiplot.SavePng(path, 420 * layers.Count, 380);
    }

    /// <summary>
    /// Histogram of connections per neuron in every layer: outgoing connections of its input neurons (row lengths) and
    /// incoming connections of its output neurons (column lengths). SET's Erdős–Rényi start gives both a narrow binomial
    /// shape; evolution spreads them as connections gather on useful neurons.
    /// </summary>
    public static void ConnectionsPerNeuron(IReadOnlyList<SparseLayer> layers, string title, string path)
    {
        var multiplot = Panels(layers.Count);
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var plot = multiplot.GetPlot(l);
            var outgoing = new double[layer.Inputs];
            for (int i = 0; i < layer.Inputs; i++) outgoing[i] = layer.Pattern.Offsets[i + 1] - layer.Pattern.Offsets[i];
            var incoming = new double[layer.Outputs];
            foreach (int c in layer.Pattern.Columns) incoming[c]++;
            double max = Math.Max(outgoing.Max(), incoming.Max());
            Add(plot, outgoing, max, RunCurves.Palette(0), $"input neurons ({layer.Inputs:N0}): outgoing");
            Add(plot, incoming, max, RunCurves.Palette(1), $"output neurons ({layer.Outputs:N0}): incoming");
            plot.Title($"{title} layer {l}: {layer.Inputs}→{layer.Outputs}");
            plot.XLabel("connections per neuron");
            plot.YLabel("neurons");
            plot.Axes.Margins(bottom: 0);
            plot.ShowLegend(Alignment.UpperRight);
        }
        foreach (var plot in multiplot.GetPlots()) plot.Font.Set(Fonts.Sans);
        multiplot.SavePng(path, 420 * layers.Count, 380);
    }

    static void Add(Plot plot, double[] values, double max, Color color, string label)
    {
        var histogram = ScottPlot.Statistics.Histogram.WithBinCount((int)Math.Clamp(max + 1, 10, 60), 0, max + 1);
        histogram.AddRange(values);
        plot.Add.Histogram(histogram, color.WithAlpha(0.6));
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, FillColor = color.WithAlpha(0.6) });
    }

    static Multiplot Panels(int count)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        return multiplot;
    }
}
