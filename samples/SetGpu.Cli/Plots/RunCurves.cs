using ScottPlot;
using SetGpu.Training;

namespace SetGpu.Cli.Plots;

/// <summary>A run to draw: its report and the name its curves carry in the legend.</summary>
internal sealed record LabelledRun(string Label, TrainingReport Report);

/// <summary>Per-epoch curves of one or more runs in one chart each (SET, static sparse and dense side by side).</summary>
internal static class RunCurves
{
    /// <summary>Held-out accuracy (%) per epoch (the test split's, else the validation split's), one line per run.</summary>
    public static void Accuracy(IReadOnlyList<LabelledRun> runs, string path)
    {
        var plot = new Plot();
        for (int i = 0; i < runs.Count; i++)
        {
            var epochs = runs[i].Report.Epochs;
            var line = plot.Add.Scatter(epochs.Select(e => e.Epoch + 1.0).ToArray(), epochs.Select(e => 100 * (HeldOut(e)?.Accuracy ?? double.NaN)).ToArray(), Palette(i));
            line.LegendText = runs[i].Label;
            line.LineWidth = 2;
        }
        Decorate(plot, "Test accuracy per epoch", "test accuracy (%)", runs);
        plot.Font.Set(Fonts.Sans);
        plot.SavePng(path, 900, 560);
    }

    /// <summary>Held-out loss (solid) and training loss (dashed) per epoch, one colour per run (the RBM's loss is its reconstruction error).</summary>
    public static void Loss(IReadOnlyList<LabelledRun> runs, string path)
    {
        var plot = new Plot();
        for (int i = 0; i < runs.Count; i++)
        {
            var epochs = runs[i].Report.Epochs;
            var x = epochs.Select(e => e.Epoch + 1.0).ToArray();
            var test = plot.Add.Scatter(x, epochs.Select(e => HeldOut(e)?.Loss ?? double.NaN).ToArray(), Palette(i));
            test.LegendText = $"{runs[i].Label}: test";
            test.LineWidth = 2;
            var train = plot.Add.Scatter(x, epochs.Select(e => e.TrainLoss).ToArray(), Palette(i));
            train.LegendText = $"{runs[i].Label}: train";
            train.LinePattern = LinePattern.Dashed;
            train.MarkerSize = 0;
        }
        Decorate(plot, "Loss per epoch", "mean loss per sample", runs);
        plot.Font.Set(Fonts.Sans);
        plot.SavePng(path, 900, 560);
    }

    static void Decorate(Plot plot, string title, string yLabel, IReadOnlyList<LabelledRun> runs)
    {
        var datasets = runs.Select(r => DatasetLabel.Of(r.Report.Dataset ?? "")).Distinct().ToArray();
        plot.Title(datasets.Length == 1 ? $"{title}: {datasets[0]}" : title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.LowerRight);
    }

    /// <summary>What a run reports on: its test split, else its validation split.</summary>
    public static Metrics? HeldOut(EpochRecord e) => e.Test ?? e.Validation;

    /// <summary>Whether any epoch of the run measured an accuracy (MLP runs with a held-out split).</summary>
    public static bool HasAccuracy(TrainingReport report) => report.Epochs.Any(e => HeldOut(e)?.Accuracy is not null);

    /// <summary>Colour of the i-th run (Category10, so SET, static and dense stay apart).</summary>
    public static Color Palette(int i) => new ScottPlot.Palettes.Category10().GetColor(i);
}
