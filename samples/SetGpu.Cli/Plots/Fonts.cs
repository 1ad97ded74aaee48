namespace SetGpu.Cli.Plots;

/// <summary>The typeface of every picture: DejaVu Sans where installed (Debian's fonts-dejavu-core), else ScottPlot's default.</summary>
internal static class Fonts
{
    public const string Sans = "DejaVu Sans";
}
