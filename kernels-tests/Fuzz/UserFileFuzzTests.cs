using SetGpu.Fuzz;
using SetGpu.KernelsTests.Data;

namespace SetGpu.KernelsTests.Fuzz;

/// <summary>The csv and numpy fuzz targets: their valid seeds load in the steps meant for them, damaged ones are refused.</summary>
public class UserFileFuzzTests
{
    static (string Path, Dictionary<string, IReadOnlyList<string>> Outcomes) RunSeeds(TempDir dir)
    {
        _ = Seeds.Write(dir.Path, SharedData.Root).ToList();
        string path = dir.File("scratch/input");
        var outcomes = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var target in new[] { "csv", "numpy" })
            foreach (var seed in Directory.GetFiles(Path.Combine(dir.Path, target)))
                outcomes[$"{target}/{Path.GetFileName(seed)}"] = Targets.Run(target, File.ReadAllBytes(seed), path);
        return (path, outcomes);
    }

    [Fact]
    public void Valid_seeds_load_and_damaged_ones_are_refused_by_name()
    {
        using var dir = new TempDir();
        var (path, outcomes) = RunSeeds(dir);
        bool Loaded(string seed, string suffix) => !outcomes[seed].Any(r => r.StartsWith(path + suffix + ":", StringComparison.Ordinal));

        Assert.True(Loaded("csv/header.csv", ".csv"), string.Join("; ", outcomes["csv/header.csv"]));
        Assert.True(Loaded("csv/tabs.csv", ".tsv"), string.Join("; ", outcomes["csv/tabs.csv"]));
        Assert.True(Loaded("numpy/x-f4.npy", ".X.npy"), string.Join("; ", outcomes["numpy/x-f4.npy"]));
        Assert.True(Loaded("numpy/x-f8-fortran.npy", ".X.npy"));
        Assert.True(Loaded("numpy/y-i8.npy", ".y.npy"), string.Join("; ", outcomes["numpy/y-i8.npy"]));
        Assert.True(Loaded("numpy/xy-NoCompression.npz", ".npz"), string.Join("; ", outcomes["numpy/xy-NoCompression.npz"]));
        Assert.True(Loaded("numpy/xy-Fastest.npz", ".npz"));

        Assert.Contains(outcomes["csv/ragged.csv"], r => r.Contains("ragged row", StringComparison.Ordinal));
        Assert.Contains(outcomes["csv/bad-cell.csv"], r => r.Contains("line 2, column 2 (b): \"NaN\"", StringComparison.Ordinal));
        Assert.Contains(outcomes["numpy/x-truncated.npy"], r => r.Contains("truncated", StringComparison.Ordinal));
        Assert.Contains(outcomes["numpy/x-huge-shape.npy"], r => r.Contains("needs 8000000000 data bytes but only 24", StringComparison.Ordinal));
        Assert.Contains(outcomes["numpy/x-big-endian.npy"], r => r.Contains("big-endian", StringComparison.Ordinal));
    }

    [Fact]
    public void A_zip_member_that_declares_more_than_deflate_expands_is_refused_before_allocating()
    {
        using var dir = new TempDir();
        string npz = dir.File("bomb.npz");
        File.WriteAllBytes(npz, DeclaredSizeLie());
        var e = Assert.Throws<SetGpu.Data.DataFormatException>(() => SetGpu.Data.DataFiles.Load(npz));
        Assert.Contains("more than deflate expands", e.Message);
    }

    /// <summary>A stored zip whose member X.npy claims 4 GB uncompressed in the central directory (and y.npy is fine).</summary>
    static byte[] DeclaredSizeLie()
    {
        var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var x = archive.CreateEntry("X.npy", System.IO.Compression.CompressionLevel.NoCompression).Open()) x.Write(new byte[100]);
            using (var y = archive.CreateEntry("y.npy", System.IO.Compression.CompressionLevel.NoCompression).Open()) y.Write(new byte[100]);
        }
        byte[] bytes = zip.ToArray();
        // The central directory's first entry (signature PK\1\2): uncompressed size at offset 24.
        int central = IndexOf(bytes, [0x50, 0x4B, 0x01, 0x02]);
        BitConverter.GetBytes(0xF0000000u).CopyTo(bytes, central + 24);
        return bytes;
    }

    static int IndexOf(byte[] bytes, byte[] pattern) => bytes.AsSpan().IndexOf(pattern);
}
