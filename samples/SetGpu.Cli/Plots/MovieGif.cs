using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;

namespace SetGpu.Cli.Plots;

/// <summary>
/// The connectivity movie as one animated GIF, the form that goes into papers and slides: the PNG frames as drawn
/// (heatmap, colour bar, the epoch under each), in order, looping. Each frame gets its own 256-colour palette, so the
/// colour scale keeps its steps in every frame.
/// </summary>
internal static class MovieGif
{
    /// <summary>Hundredths of a second each frame shows; the last one stays longer before the loop starts again.</summary>
    public const int FrameDelay = 50, LastFrameDelay = 200;

    public static void Write(string path, IReadOnlyList<byte[]> pngs)
    {
        using var gif = Image.Load<Rgba32>(pngs[0]);
        for (int i = 1; i < pngs.Count; i++)
        {
            using var frame = Image.Load<Rgba32>(pngs[i]);
            gif.Frames.AddFrame(frame.Frames.RootFrame);
        }
        for (int i = 0; i < gif.Frames.Count; i++)
            gif.Frames[i].Metadata.GetGifMetadata().FrameDelay = i == gif.Frames.Count - 1 ? LastFrameDelay : FrameDelay;
        gif.Metadata.GetGifMetadata().RepeatCount = 0; // loop forever
        using var bytes = new MemoryStream();
        gif.SaveAsGif(bytes, new GifEncoder { ColorTableMode = GifColorTableMode.Local });
        File.WriteAllBytes(path, bytes.ToArray());
    }
}
