using System.Text.Json;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Cli;

/// <summary>
/// distance: per-layer and network distances of checkpoints trained from different seeds, 0 for a checkpoint and
/// itself, the pairwise table, heat map and report for three; one-line errors naming the file for a missing or damaged
/// checkpoint and for networks of different shapes.
/// </summary>
[Collection(nameof(CliHost))]
public class DistanceCliTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();
    string F(string name) => _dir.File(name);

    void Train(string name, int seed, int hidden = 40) =>
        CliHost.Ok("train", "--hidden", hidden.ToString(), "--epochs", "2", "--batch", "16", "--lr", "0.05", "--engine", "cpu",
                   "--seed", seed.ToString(), "--checkpoint", F(name));

    [Fact]
    [Trait(Lane.Category, Lane.Slow)]
    public void Pairs_table_heat_map_and_report_of_three_seeds()
    {
        Train("a.ckpt", 1);
        Train("b.ckpt", 2);
        Train("c.ckpt", 3);
        var same = CliHost.Ok("distance", F("a.ckpt"), F("a.ckpt"));
        Assert.Contains("network distance 0.0000", same.Output);

        var result = CliHost.Ok("distance", F("a.ckpt"), F("b.ckpt"), F("c.ckpt"), "--out", F("heat.png"), "--report", F("r.json"));
        Assert.Contains("network distances:", result.Output);
        Assert.Contains("exact", result.Output);
        var png = PngStats.Of(F("heat.png"));
        Assert.InRange(png.NonBackgroundFraction, 0.05, 0.9);

        using var report = JsonDocument.Parse(File.ReadAllText(F("r.json")));
        var matrix = report.RootElement.GetProperty("matrix").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
            {
                Assert.Equal(matrix[a][b], matrix[b][a]);
                if (a == b) Assert.Equal(0, matrix[a][b]);
                else Assert.InRange(matrix[a][b], 0.1, 1); // different seeds: different topologies
            }
        var pairs = report.RootElement.GetProperty("pairs");
        Assert.Equal(3, pairs.GetArrayLength());
        Assert.Equal(2, pairs[0].GetProperty("layers").GetArrayLength()); // 1 hidden layer: two weight layers

        Train("wide.ckpt", 1, hidden: 50);
        var mismatch = CliHost.Run("distance", F("a.ckpt"), F("wide.ckpt"));
        Assert.Equal(2, mismatch.ExitCode);
        Assert.Contains($"{F("wide.ckpt")}: its network is", mismatch.Error);
        Assert.Single(mismatch.Error.Trim().Split('\n'));
    }

    [Fact]
    [Trait(Lane.Category, Lane.Slow)]
    public void Two_set_rbms_compare_their_one_layer()
    {
        foreach (var seed in new[] { "1", "2" })
            CliHost.Ok("rbm", "--dataset", "coil20", "--data-dir", SharedData.Root, "--hidden", "24", "--epochs", "2",
                       "--engine", "cpu", "--seed", seed, "--checkpoint", F($"rbm{seed}.ckpt"));
        var result = CliHost.Ok("distance", F("rbm1.ckpt"), F("rbm2.ckpt"));
        Assert.Contains("1024×24", result.Output);
        var line = result.Output.Split('\n').Single(l => l.Contains("network distance"));
        double distance = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(distance, 0.3, 1);

        Train("mlp.ckpt", 1);
        var mixed = CliHost.Run("distance", F("rbm1.ckpt"), F("mlp.ckpt"));
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("its network is", mixed.Error);
    }

    [Fact]
    public void Missing_damaged_and_too_few_checkpoints_are_one_line_errors()
    {
        var one = CliHost.Run("distance", F("a.ckpt"));
        Assert.Equal(2, one.ExitCode);
        Assert.Contains("at least two checkpoints", one.Error);

        var missing = CliHost.Run("distance", F("nothere.ckpt"), F("other.ckpt"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nothere.ckpt", missing.Error);
        Assert.Single(missing.Error.Trim().Split('\n'));

        File.WriteAllText(F("junk.ckpt"), "not a checkpoint");
        var damaged = CliHost.Run("distance", F("junk.ckpt"), F("junk.ckpt"));
        Assert.Equal(2, damaged.ExitCode);
        Assert.Contains("junk.ckpt", damaged.Error);
        Assert.Single(damaged.Error.Trim().Split('\n'));

        var notPng = CliHost.Run("distance", F("junk.ckpt"), F("junk.ckpt"), "--out", F("heat.jpg"));
        Assert.Contains("--out", notPng.Error);
    }
}
