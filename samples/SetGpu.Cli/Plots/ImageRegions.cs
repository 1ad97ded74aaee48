using SetGpu.Data;

namespace SetGpu.Cli.Plots;

/// <summary>
/// The border and the centre of an input image, to put a number on what the connectivity movie shows: SET moves the
/// first layer's connections off the uninformative border onto the centre of the image.
/// </summary>
internal static class ImageRegions
{
    /// <summary>Whether pixel (row, column) lies within an eighth of the image's size from an edge (4 pixels of 32, 3 of 28).</summary>
    public static bool IsBorder(int row, int column, int height, int width) =>
        EdgeDistance(row, column, height, width) < Math.Min(height, width) / 8;

    /// <summary>Whether pixel (row, column) lies in the central half of the image in both directions (16×16 of 32×32, 14×14 of 28×28).</summary>
    public static bool IsCentre(int row, int column, int height, int width) =>
        row >= height / 4 && row < height - height / 4 && column >= width / 4 && column < width - width / 4;

    /// <summary>Mean connections per pixel on the border and in the centre.</summary>
    public static (double Border, double Centre) Means(int[] counts, int height, int width, ImagePixelOrder order)
    {
        double border = 0, centre = 0;
        int nb = 0, nc = 0;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                int v = counts[ImagePixels.FeatureIndex(order, height, width, r, c)];
                if (IsBorder(r, c, height, width)) { border += v; nb++; }
                if (IsCentre(r, c, height, width)) { centre += v; nc++; }
            }
        return (border / nb, centre / nc);
    }

    static int EdgeDistance(int row, int column, int height, int width) =>
        Math.Min(Math.Min(row, height - 1 - row), Math.Min(column, width - 1 - column));
}
