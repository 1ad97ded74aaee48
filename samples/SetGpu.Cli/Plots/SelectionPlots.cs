using SetGpu.Cli.Selection;

namespace SetGpu.Cli.Plots;

/// <summary>
/// <c>plot</c> of a <c>select --report</c> on image data: for every K the selected pixels over the mean image and
/// the mask alone; with <c>--record-importance</c>, the importance movie.
/// </summary>
internal static class SelectionPlots
{
    /// <summary>Whether the file is a selection report (it ranks features); anything unreadable is left to the training report's reader.</summary>
    public static bool IsSelection(string path)
    {
        try { return File.Exists(path) && SelectionReport.IsSelectionReport(File.ReadAllText(path)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>Writes the pictures of the report at <paramref name="path"/> into <paramref name="folder"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(string path, string folder)
    {
        var report = SelectionReport.Load(path);
        var image = SelectionImage.Of(report, path);
        string stem = Path.GetFileNameWithoutExtension(path);
        var written = new List<string>();
        foreach (int k in report.Rows.Select(r => r.K).Distinct())
        {
            var selected = report.Ranking[..k];
            string over = Path.Combine(folder, $"{stem}-k{k}-selected.png"), mask = Path.Combine(folder, $"{stem}-k{k}-mask.png");
            SelectedPixels.WriteOverMean(image, report.MeanImage, selected, over);
            SelectedPixels.WriteMask(image, selected, mask);
            written.AddRange([over, mask]);
        }
        if (report.ImportancePerEpoch is null)
        {
            Console.WriteLine($"{stem}: no importance per epoch in the report (select with --record-importance for the importance movie)");
            return written;
        }
        string frames = Path.Combine(folder, $"{stem}-importance"), html = Path.Combine(folder, $"{stem}-importance.html"),
               gif = Path.Combine(folder, $"{stem}-importance.gif");
        var captions = ImportanceMovie.Write(report, path, frames, html, gif);
        Console.WriteLine($"{stem}: {captions[0]}");
        if (captions.Count > 1) Console.WriteLine($"{stem}: {captions[^1]}");
        written.AddRange([frames + Path.DirectorySeparatorChar + $"frame-000.png … frame-{captions.Count - 1:D3}.png", html, gif]);
        return written;
    }
}
