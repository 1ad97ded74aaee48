using System.Diagnostics;
using System.Text.RegularExpressions;
using SetGpu.Cli.Plots;
using SetGpu.Data;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;
using SixLabors.ImageSharp;
using Rgba32 = SixLabors.ImageSharp.PixelFormats.Rgba32;

namespace SetGpu.KernelsTests.Cli;

/// <summary>
/// plot: curves of several runs, pictures of a network, the connectivity movie (frames and an HTML player checked in
/// headless Chromium), and SET's known effect on MNIST's input connectivity, measured on a short real run.
/// </summary>
[Collection(nameof(CliHost))]
[Trait(Lane.Category, Lane.Slow)]
public class PlotCliTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();
    string F(string name) => _dir.File(name);

    [Fact]
    public void Runs_side_by_side_and_network_pictures()
    {
        string[] run = ["train", "--hidden", "40", "--epochs", "3", "--batch", "16", "--lr", "0.05", "--engine", "cpu"];
        foreach (var topology in new[] { "set", "static", "dense" })
            CliHost.Ok([.. run, "--topology", topology, "--report", F($"{topology}.json"), "--checkpoint", F($"{topology}.ckpt")]);
        var result = CliHost.Ok("plot", F("set.json"), F("static.json"), F("dense.json"), "--checkpoint", F("set.ckpt"), F("dense.ckpt"),
                                "--out", F("plots"));

        foreach (var name in new[] { "accuracy.png", "loss.png" })
        {
            var png = PngStats.Of(Path.Combine(_dir.Path, "plots", name));
            Assert.Equal((900, 560), (png.Width, png.Height));
            Assert.InRange(png.NonBackgroundFraction, 0.03, 0.6);
            // One colour per run (Category10: blue, orange, green), in the lines and the legend.
            Assert.True(png.Has(0x1f, 0x77, 0xb4), $"{name}: no blue (first run)");
            Assert.True(png.Has(0xff, 0x7f, 0x0e), $"{name}: no orange (second run)");
            Assert.True(png.Has(0x2c, 0xa0, 0x2c), $"{name}: no green (third run)");
        }
        foreach (var stem in new[] { "set", "dense" })
            foreach (var kind in new[] { "weights", "connections-per-neuron" })
            {
                var png = PngStats.Of(Path.Combine(_dir.Path, "plots", $"{stem}-{kind}.png"));
                Assert.Equal((2 * 420, 380), (png.Width, png.Height)); // a panel per layer
                Assert.InRange(png.NonBackgroundFraction, 0.03, 0.8);
            }
        Assert.DoesNotContain("connectivity", result.Output); // no report recorded it
    }

    [Fact]
    public void Plot_without_connectivity_data_says_how_to_get_it()
    {
        var report = ImageReport(frames: 0);
        report.InitialInputConnections = null;
        report.Save(F("r.json"));
        var movie = Assert.Throws<ArgumentException>(() => ConnectivityMovie.Frames(report, F("r.json")));
        Assert.Contains("train with --record-connectivity", movie.Message);
        var noImage = report with { ImageShape = null };
        Assert.Contains("not images", Assert.Throws<ArgumentException>(() => ConnectivityMovie.Frames(noImage, "x.json")).Message);
        Assert.Equal(2, CliHost.Run("plot", "--out", F("p")).ExitCode);
    }

    /// <summary>A report of a made-up 12×10 image run whose connections drain from the border, frame by frame.</summary>
    static TrainingReport ImageReport(int frames)
    {
        const int h = 12, w = 10;
        int[] Counts(int frame)
        {
            var counts = new int[h * w];
            for (int r = 0; r < h; r++)
                for (int c = 0; c < w; c++)
                    counts[ImagePixels.FeatureIndex(ImagePixelOrder.ColumnMajor, h, w, r, c)] =
                        ImageRegions.IsCentre(r, c, h, w) ? 10 + 3 * frame : Math.Max(0, 10 - 2 * frame);
            return counts;
        }
        return new TrainingReport
        {
            Engine = "cpu", Device = "cpu", Dataset = "/data/made-up.mat [train]", Spec = new SetMlpSpec { LayerSizes = [h * w, 20, 3], Epochs = frames },
            ImageShape = [h, w], ImagePixelOrder = ImagePixelOrder.ColumnMajor,
            InitialInputConnections = Counts(0),
            Epochs = [.. Enumerable.Range(0, frames).Select(e => new EpochRecord { Epoch = e, Test = new Metrics { Accuracy = 0.5 }, InputConnections = Counts(e + 1) })],
        };
    }

    [Fact]
    public void Connectivity_frames_show_the_image_upright_on_one_colour_scale()
    {
        ImageReport(frames: 4).Save(F("movie.json"));
        var result = CliHost.Ok("plot", F("movie.json"), "--out", F("plots"));
        Assert.Contains("movie: initial topology: 10.0 connections per border pixel, 10.0 per centre pixel", result.Output);
        Assert.Contains("movie: after epoch 4: 2.0 connections per border pixel, 22.0 per centre pixel", result.Output);
        var frames = Directory.GetFiles(Path.Combine(_dir.Path, "plots", "movie-connectivity"), "*.png").Order().ToArray();
        Assert.Equal(["frame-000.png", "frame-001.png", "frame-002.png", "frame-003.png", "frame-004.png"], frames.Select(Path.GetFileName));
        var first = PngStats.Of(frames[0]);
        var last = PngStats.Of(frames[^1]);
        Assert.Equal((560, 520), (last.Width, last.Height));
        // One colour scale for all frames: the top of Viridis (yellow) fills the centre once it has gathered the most
        // connections; before, it is only in the colour bar.
        int yellowFirst = first.Count(0xfd, 0xe7, 0x25, 30), yellowLast = last.Count(0xfd, 0xe7, 0x25, 30);
        Assert.True(yellowLast > yellowFirst + 2000, $"yellow pixels: {yellowFirst} in the first frame, {yellowLast} in the last");

        var image = ConnectivityMovie.Image(ImageReport(1).Epochs[0].InputConnections!, 12, 10, ImagePixelOrder.ColumnMajor);
        Assert.Equal(13, image[6, 5]); // centre
        Assert.Equal(8, image[0, 0]); // corner
    }

    [Fact]
    public void Connectivity_gif_has_the_initial_frame_and_one_per_epoch_and_loops()
    {
        const int epochs = 4;
        ImageReport(frames: epochs).Save(F("movie.json"));
        var result = CliHost.Ok("plot", F("movie.json"), "--out", F("plots"));
        string path = Path.Combine(_dir.Path, "plots", "movie-connectivity.gif");
        Assert.Contains(path, result.Output);
        long bytes = new FileInfo(path).Length;
        Assert.InRange(bytes, 10_000, 2_000_000); // five 560×520 frames with their own palettes

        using var gif = Image.Load<Rgba32>(path);
        Assert.Equal(epochs + 1, gif.Frames.Count);
        Assert.Equal((560, 520), (gif.Width, gif.Height));
        Assert.Equal(0, gif.Metadata.GetGifMetadata().RepeatCount); // loops
        Assert.All(Enumerable.Range(0, gif.Frames.Count), i => Assert.True(gif.Frames[i].Metadata.GetGifMetadata().FrameDelay > 0));

        // Every frame differs from the one before (the heatmap and the epoch under it change), and the last frame's
        // centre has the top of the scale (Viridis yellow) that the first frame shows only in its colour bar.
        int Yellow(ImageFrame<Rgba32> frame) =>
            Pixels(frame).Count(p => Math.Abs(p.R - 0xfd) + Math.Abs(p.G - 0xe7) + Math.Abs(p.B - 0x25) < 30);
        for (int i = 1; i < gif.Frames.Count; i++)
        {
            int changed = Pixels(gif.Frames[i]).Zip(Pixels(gif.Frames[i - 1])).Count(p => p.First != p.Second);
            Assert.True(changed > 1000, $"frame {i} differs from frame {i - 1} in {changed} pixels");
        }
        int yellowFirst = Yellow(gif.Frames[0]), yellowLast = Yellow(gif.Frames[^1]);
        Assert.True(yellowFirst > 100, $"the first frame's colour bar: {yellowFirst} yellow pixels");
        Assert.True(yellowLast > yellowFirst + 2000, $"yellow pixels: {yellowFirst} in the first frame, {yellowLast} in the last");
    }

    static List<Rgba32> Pixels(ImageFrame<Rgba32> frame)
    {
        var pixels = new List<Rgba32>(frame.Width * frame.Height);
        for (int y = 0; y < frame.Height; y++)
            for (int x = 0; x < frame.Width; x++)
                pixels.Add(frame[x, y]);
        return pixels;
    }

    [SkippableFact]
    public void Movie_page_plays_in_headless_chromium()
    {
        string chromium = Requirement.Chromium.Require();
        ImageReport(frames: 6).Save(F("movie.json"));
        CliHost.Ok("plot", F("movie.json"), "--out", F("plots"));
        string page = Path.Combine(_dir.Path, "plots", "movie-connectivity.html");
        string html = File.ReadAllText(page);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html); // self-contained: nothing to fetch
        Assert.Equal(7 + 1, Regex.Matches(html, "data:image/png;base64,").Count); // the frames, and the first again in <img>

        string shot = F("shot.png");
        var (code, output) = Chromium(chromium, "--screenshot=" + shot, "--window-size=800,760", new Uri(page).AbsoluteUri);
        Assert.True(code == 0 && File.Exists(shot), $"chromium exited with {code}: {output}");
        var png = PngStats.Of(shot);
        Assert.Equal((800, 760), (png.Width, png.Height));
        Assert.True(png.DistinctColours > 50, $"only {png.DistinctColours} colours: the frame did not render");
        Assert.InRange(png.NonBackgroundFraction, 0.15, 0.9);
        Assert.True(png.Has(0x44, 0x01, 0x54, 40) || png.Has(0x3b, 0x52, 0x8b, 40), "no viridis colours in the screenshot");

        // The player runs: after some virtual seconds it has moved on from the first frame.
        var (domCode, dom) = Chromium(chromium, "--virtual-time-budget=2500", "--dump-dom", new Uri(page).AbsoluteUri);
        Assert.Equal(0, domCode);
        var counter = Regex.Match(dom, "<span id=\"counter\">(\\d+) / 7</span>");
        Assert.True(counter.Success, dom.Length > 2000 ? dom[..2000] : dom);
        Assert.True(int.Parse(counter.Groups[1].Value) > 1, $"still on frame {counter.Groups[1].Value}");
        Assert.Contains("<div id=\"caption\">after epoch", dom);
    }

    static (int Code, string Output) Chromium(string chromium, params string[] args)
    {
        // As root Chromium refuses its sandbox; headless needs no GPU.
        var info = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", $"--user-data-dir={Path.Combine(Path.GetTempPath(), "setgpu-chromium-" + Guid.NewGuid().ToString("N"))}" }.Concat(args))
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000)) { process.Kill(entireProcessTree: true); return (-1, "timed out"); }
        return (process.ExitCode, stdout + stderr.Result);
    }

    [Fact]
    public void Set_moves_mnist_input_connections_from_the_empty_border_to_the_centre()
    {
        // MNIST's digits sit in the middle of a blank 28×28 frame (pixel spread 0.03 on the 3-pixel border, 0.41 in the
        // centre). SET prunes the weakest weights, and weights from pixels that are always 0 never grow.
        CliHost.Ok("train", "--dataset", "mnist", "--data-dir", SharedData.Root, "--hidden", "100", "--epochs", "4",
                   "--batch", "32", "--lr", "0.05", "--init", "normal", "--standardize", "none", "--engine", "cpu",
                   "--record-connectivity", "--report", F("mnist.json"));
        var report = TrainingReport.Load(F("mnist.json"));
        Assert.Equal([28, 28], report.ImageShape!);
        var (border0, centre0) = ImageRegions.Means(report.InitialInputConnections!, 28, 28, report.ImagePixelOrder);
        var (border, centre) = ImageRegions.Means(report.Epochs[^1].InputConnections!, 28, 28, report.ImagePixelOrder);
        Assert.InRange(border0 / centre0, 0.95, 1.05); // Erdős–Rényi: every pixel alike
        Assert.True(border < 0.75 * centre, $"after 3 evolutions: {border:F1} connections per border pixel, {centre:F1} per centre pixel");
        Assert.True(report.Epochs[^1].Test!.Accuracy > 0.9, $"test accuracy {report.Epochs[^1].Test!.Accuracy:P1}");
        // Connections are only moved, never lost.
        Assert.Equal(report.InitialInputConnections!.Sum(), report.Epochs[^1].InputConnections!.Sum());

        var plot = CliHost.Ok("plot", F("mnist.json"), "--out", F("plots"));
        Assert.Contains($"mnist: after epoch 4: {border:F1} connections per border pixel, {centre:F1} per centre pixel", plot.Output);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "plots", "mnist-connectivity", "frame-004.png")));
    }

    [Theory]
    [InlineData(32, 32, 448, 256)]
    [InlineData(28, 28, 300, 196)]
    public void Border_and_centre_regions(int h, int w, int border, int centre)
    {
        int b = 0, c = 0;
        for (int r = 0; r < h; r++)
            for (int k = 0; k < w; k++)
            {
                if (ImageRegions.IsBorder(r, k, h, w)) b++;
                if (ImageRegions.IsCentre(r, k, h, w)) c++;
                Assert.False(ImageRegions.IsBorder(r, k, h, w) && ImageRegions.IsCentre(r, k, h, w));
            }
        Assert.Equal((border, centre), (b, c));
    }

    [Fact]
    public void Coil20_images_are_column_major()
    {
        // COIL20.mat stores each 32×32 image in MATLAB's column-major order; read row-major, the objects lie on their side.
        var split = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = SharedData.Root, AllowDownload = false }).Load("coil20", 1);
        Assert.Equal((32, 32), split.Train.ImageShape);
        Assert.Equal(ImagePixelOrder.ColumnMajor, split.Train.PixelOrder);
        Assert.Equal(ImagePixelOrder.ColumnMajor, split.Test.PixelOrder);
        Assert.Equal(ImagePixelOrder.ColumnMajor, Standardizer.FitTransform(split).Train.PixelOrder);
        Assert.Equal(33, ImagePixels.FeatureIndex(ImagePixelOrder.ColumnMajor, 32, 32, 1, 1));
        Assert.Equal(32, ImagePixels.FeatureIndex(ImagePixelOrder.ColumnMajor, 32, 32, 0, 1));
        Assert.Equal(1, ImagePixels.FeatureIndex(ImagePixelOrder.RowMajor, 32, 32, 0, 1));
    }
}
