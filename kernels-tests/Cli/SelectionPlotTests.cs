using System.Text.Json;
using System.Text.RegularExpressions;
using SetGpu.Analysis;
using SetGpu.Cli.Plots;
using SetGpu.Cli.Selection;
using SetGpu.Data;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SixLabors.ImageSharp;
using Rgba32 = SixLabors.ImageSharp.PixelFormats.Rgba32;

namespace SetGpu.KernelsTests.Cli;

/// <summary>
/// plot of a select report on image data: the selected pixels (read back pixel for pixel), the importance movie (one
/// frame per recorded epoch), the report's compact importance field, bad reports as one-line errors, and a short real
/// run on Yale.
/// </summary>
[Collection(nameof(CliHost))]
public class SelectionPlotTests : IDisposable
{
    const int H = 12, W = 10, Features = H * W;
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();
    string F(string name) => _dir.File(name);

    /// <summary>
    /// A made-up 12×10 column-major selection: the importance of each epoch rises on a ring around the centre, and the
    /// last epoch's importance ranks the features as the report does.
    /// </summary>
    static SelectionReport Report(int epochs, int[]? ks = null)
    {
        float Importance(int epoch, int f)
        {
            int r = f % H, c = f / H; // column-major
            double d = Math.Sqrt((r - 5.5) * (r - 5.5) + (c - 4.5) * (c - 4.5));
            return (float)(epoch * Math.Exp(-(d - 2) * (d - 2)) + 0.001 * f / Features);
        }
        var snapshots = Enumerable.Range(1, epochs).Select(e => new ImportanceSnapshot(e, [.. Enumerable.Range(0, Features).Select(f => Importance(e, f))])).ToArray();
        var ranking = FeatureRanking.Rank(snapshots.Length > 0 ? snapshots[^1].Importance : [.. Enumerable.Range(0, Features).Select(f => Importance(1, f))]);
        return new SelectionReport
        {
            Dataset = "/data/made-up.mat [train]", Method = "quickselection", Split = "", TrainSamples = 10, TestSamples = 5,
            Features = Features, Classifier = "test", Autoencoder = SetDae.DefaultSpec(Features, 20) with { Epochs = epochs }, Engine = "cpu",
            ReconstructionError = [], SelectionSeconds = 0, AllFeatures = new(0.5, 0.5), RandomDraws = 1,
            Rows = [.. (ks ?? [7, 30]).Select(k => new SelectionRow(k, new(0.5, 0.5), new(0.5, 0.5), new(0, 0)))],
            Ranking = ranking,
            ImageShape = [H, W], ImagePixelOrder = ImagePixelOrder.ColumnMajor,
            MeanImage = [.. Enumerable.Range(0, Features).Select(f => (float)(f % H) / H)], // brighter towards the bottom
            ImportancePerEpoch = snapshots,
        };
    }

    static Rgba32[,] Pixels(string path)
    {
        using var image = Image.Load<Rgba32>(path);
        var pixels = new Rgba32[image.Height, image.Width];
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                pixels[y, x] = image[x, y];
        return pixels;
    }

    [Fact]
    public void Mask_pngs_hold_exactly_the_selected_pixels_for_every_k()
    {
        var report = Report(epochs: 3);
        report.Save(F("sel.json"));
        CliHost.Ok("plot", F("sel.json"), "--out", F("plots"));
        int scale = 27; // 320 / 12, rounded up
        foreach (int k in new[] { 7, 30 })
        {
            var selected = report.Ranking[..k].ToHashSet();
            var mask = Pixels(Path.Combine(_dir.Path, "plots", $"sel-k{k}-mask.png"));
            var over = Pixels(Path.Combine(_dir.Path, "plots", $"sel-k{k}-selected.png"));
            Assert.Equal((H * scale, W * scale), (mask.GetLength(0), mask.GetLength(1)));
            Assert.Equal((H * scale, W * scale), (over.GetLength(0), over.GetLength(1)));
            int white = 0;
            for (int y = 0; y < H * scale; y++)
                for (int x = 0; x < W * scale; x++)
                {
                    int feature = ImagePixels.FeatureIndex(ImagePixelOrder.ColumnMajor, H, W, y / scale, x / scale);
                    bool chosen = selected.Contains(feature);
                    var m = mask[y, x];
                    Assert.True(chosen ? m is { R: 255, G: 255, B: 255 } : m is { R: 0, G: 0, B: 0 }, $"k {k}: mask pixel ({x}, {y}) of feature {feature} is {m}");
                    if (chosen) white++;
                    var o = over[y, x];
                    if (chosen) Assert.Equal(SelectedPixels.Selected, o);
                    else
                    {
                        // The mean image in grey, stretched over its range: row r of 12 is (r / 11) of white.
                        byte grey = (byte)Math.Round(255.0 * (y / scale) / (H - 1));
                        Assert.True(o.R == grey && o.G == grey && o.B == grey, $"k {k}: pixel ({x}, {y}) is {o}, expected grey {grey}");
                    }
                }
            Assert.Equal(k * scale * scale, white);
        }
    }

    [Fact]
    public void Importance_movie_has_one_frame_per_epoch()
    {
        const int epochs = 4;
        Report(epochs).Save(F("sel.json"));
        var result = CliHost.Ok("plot", F("sel.json"), "--out", F("plots"));
        var frames = Directory.GetFiles(Path.Combine(_dir.Path, "plots", "sel-importance"), "*.png").Order().Select(f => Path.GetFileName(f)!).ToArray();
        Assert.Equal(["frame-000.png", "frame-001.png", "frame-002.png", "frame-003.png"], frames);
        using (var gif = Image.Load<Rgba32>(Path.Combine(_dir.Path, "plots", "sel-importance.gif")))
            Assert.Equal(epochs, gif.Frames.Count);
        string html = File.ReadAllText(Path.Combine(_dir.Path, "plots", "sel-importance.html"));
        Assert.Equal(epochs + 1, Regex.Matches(html, "data:image/png;base64,").Count); // the frames, and the first again in <img>
        // The last frame's top 7 is the report's: all of the final top 7, on the ring (none on the border).
        Assert.Contains("sel: after epoch 4: top 7: 0 on the border", result.Output);
        Assert.Contains("7 of the final top 7", result.Output);
        // One colour scale: the last epoch's ring reaches the top of Viridis (yellow), the first epoch's stays below it.
        var first = PngStats.Of(Path.Combine(_dir.Path, "plots", "sel-importance", frames[0]));
        var last = PngStats.Of(Path.Combine(_dir.Path, "plots", "sel-importance", frames[^1]));
        int yellowFirst = first.Count(0xfd, 0xe7, 0x25, 30), yellowLast = last.Count(0xfd, 0xe7, 0x25, 30);
        Assert.True(yellowLast > yellowFirst + 1000, $"yellow pixels: {yellowFirst} in the first frame, {yellowLast} in the last");
    }

    [Fact]
    public void A_report_without_recorded_importance_still_gets_its_masks()
    {
        (Report(epochs: 2) with { ImportancePerEpoch = null }).Save(F("sel.json"));
        var result = CliHost.Ok("plot", F("sel.json"), "--out", F("plots"));
        Assert.Contains("select with --record-importance", result.Output);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "plots", "sel-k30-mask.png")));
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "plots", "sel-importance")));
    }

    [Fact]
    public void Importance_is_one_line_per_epoch_and_reads_back_exactly()
    {
        var report = Report(epochs: 3);
        report.ImportancePerEpoch![1].Importance[5] = float.NaN;
        report.Save(F("sel.json"));
        var lines = File.ReadAllLines(F("sel.json"));
        Assert.Equal(3, lines.Count(l => Regex.IsMatch(l, @"^\s*""importance"": \[[^\]]+\]$")));
        Assert.Single(lines, l => Regex.IsMatch(l, @"^\s*""meanImage"": \[[^\]]+\],$"));
        var back = SelectionReport.Load(F("sel.json"));
        for (int e = 0; e < 3; e++)
        {
            Assert.Equal(report.ImportancePerEpoch[e].Epoch, back.ImportancePerEpoch![e].Epoch);
            Assert.Equal(report.ImportancePerEpoch[e].Importance, back.ImportancePerEpoch[e].Importance); // bit for bit, NaN included
        }
        Assert.Equal(report.MeanImage, back.MeanImage);
        Assert.Equal([H, W], back.ImageShape!);
        Assert.Equal(ImagePixelOrder.ColumnMajor, back.ImagePixelOrder);
        // A NaN cannot be ranked: plot names the field.
        var result = CliHost.Run("plot", F("sel.json"), "--out", F("plots"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("importancePerEpoch[1]: the importance of feature 5 is NaN", result.Error);
    }

    public static TheoryData<string, string> BadReports => new()
    {
        { "no-image", "not image data (the report has no imageShape" },
        { "shape", "imageShape [5, 5] does not fit the report's 120 features" },
        { "ranking-twice", "ranking: feature 3 is ranked twice" },
        { "ranking-short", "ranking holds 100 features, the report has 120" },
        { "mean", "meanImage holds 3 values for 120 features" },
        { "frame", "importancePerEpoch[1] holds 119 values for 120 features" },
        { "k", "rows: every K must lie in 1…120" },
        { "type", "not a selection report (" },
        { "truncated", "not a selection report (" },
    };

    [Theory]
    [MemberData(nameof(BadReports))]
    public void Bad_reports_are_one_line_errors_naming_file_and_field(string fault, string message)
    {
        var good = Report(epochs: 2);
        string path = F($"{fault}.json");
        switch (fault)
        {
            case "no-image": (good with { ImageShape = null, ImagePixelOrder = null, MeanImage = null }).Save(path); break;
            case "shape": (good with { ImageShape = [5, 5] }).Save(path); break;
            case "ranking-twice":
                good.Ranking[(Array.IndexOf(good.Ranking, 3) + 1) % Features] = 3;
                good.Save(path);
                break;
            case "ranking-short": (good with { Ranking = good.Ranking[..100] }).Save(path); break;
            case "mean": (good with { MeanImage = [1, 2, 3] }).Save(path); break;
            case "frame": (good with { ImportancePerEpoch = [good.ImportancePerEpoch![0], new(2, new float[119])] }).Save(path); break;
            case "k": (good with { Rows = [new SelectionRow(121, new(0, 0), new(0, 0), new(0, 0))] }).Save(path); break;
            case "type":
                good.Save(path);
                File.WriteAllText(path, File.ReadAllText(path).Replace("\"features\": 120", "\"features\": \"many\""));
                break;
            case "truncated":
                good.Save(path);
                File.WriteAllText(path, File.ReadAllText(path)[..^200]); // the ranking is there, the end is not
                break;
        }
        var result = CliHost.Run("plot", path, "--out", F("plots"));
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {path}: ", result.Error);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public void Record_importance_needs_a_report()
    {
        var result = CliHost.Run("select", "--dataset", "yale", "--data-dir", SharedData.Root, "--epochs", "1", "--engine", "cpu", "--record-importance");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--record-importance: the importance is kept in the report; give --report FILE", result.Error);
    }

    [Trait(Lane.Category, Lane.Slow)]
    [Fact]
    public void Select_on_yale_records_importance_that_plot_draws()
    {
        const int epochs = 3;
        CliHost.Ok("select", "--dataset", "yale", "--data-dir", SharedData.Root, "--epochs", $"{epochs}", "--hidden", "100",
                   "--k-list", "10,50", "--random-draws", "1", "--engine", "cpu", "--record-importance",
                   "--features", F("yale.csv"), "--report", F("yale.json"));
        var report = SelectionReport.Load(F("yale.json"));
        Assert.Equal([32, 32], report.ImageShape!);
        Assert.Equal(1024, report.MeanImage!.Length);
        Assert.Equal(Enumerable.Range(1, epochs), report.ImportancePerEpoch!.Select(s => s.Epoch));
        // The last snapshot is the importance the ranking came from (the strength after the last evolution).
        Assert.Equal(report.Ranking, FeatureRanking.Rank(report.ImportancePerEpoch![^1].Importance));
        using (var json = JsonDocument.Parse(File.ReadAllText(F("yale.json"))))
            Assert.Equal(epochs, json.RootElement.GetProperty("importancePerEpoch").GetArrayLength());

        CliHost.Ok("plot", F("yale.json"), "--out", F("plots"));
        Assert.Equal(epochs, Directory.GetFiles(Path.Combine(_dir.Path, "plots", "yale-importance"), "*.png").Length);
        var mask = Pixels(Path.Combine(_dir.Path, "plots", "yale-k50-mask.png"));
        int scale = 10, white = 0;
        for (int r = 0; r < 32; r++)
            for (int c = 0; c < 32; c++)
            {
                bool chosen = report.Ranking[..50].Contains(ImagePixels.FeatureIndex(report.ImagePixelOrder!.Value, 32, 32, r, c));
                Assert.Equal(chosen ? (byte)255 : (byte)0, mask[r * scale + scale / 2, c * scale + scale / 2].R);
                if (chosen) white++;
            }
        Assert.Equal(50, white);
    }
}
