using System.Buffers.Binary;
using System.IO.Compression;
using SetGpu.Data;

namespace SetGpu.KernelsTests.Data;

/// <summary>Loads full MNIST once for all tests of <see cref="MnistTests"/>.</summary>
public sealed class MnistFixture
{
    public DatasetSplit Split { get; } = MnistLoader.Load(SharedData.PathOf("mnist"));
}

/// <summary>Loads full Fashion-MNIST once for all tests of <see cref="FashionMnistTests"/>.</summary>
public sealed class FashionMnistFixture
{
    public DatasetSplit Split { get; } = MnistLoader.Load(SharedData.PathOf("fashion-mnist"));
}

public class MnistTests(MnistFixture fixture) : IClassFixture<MnistFixture>
{
    [Fact]
    public void HasOfficialSizesShapeAndPixelRange()
    {
        IdxTests.AssertMnistShaped(fixture.Split);
    }

    [Fact]
    public void LabelHistogram_IsTheKnownOne()
    {
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], fixture.Split.Train.ClassCounts());
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], fixture.Split.Test.ClassCounts());
        Assert.Equal(5, fixture.Split.Train.Labels[0]); // the famous first "5"
    }
}

public class FashionMnistTests(FashionMnistFixture fixture) : IClassFixture<FashionMnistFixture>
{
    [Fact]
    public void HasOfficialSizesShapeAndBalancedClasses()
    {
        IdxTests.AssertMnistShaped(fixture.Split);
        Assert.All(fixture.Split.Train.ClassCounts(), c => Assert.Equal(6000, c));
        Assert.All(fixture.Split.Test.ClassCounts(), c => Assert.Equal(1000, c));
    }
}

public class IdxTests
{
    internal static void AssertMnistShaped(DatasetSplit split)
    {
        Assert.Equal(60000, split.Train.Samples);
        Assert.Equal(10000, split.Test.Samples);
        foreach (var d in new[] { split.Train, split.Test })
        {
            Assert.Equal(784, d.FeatureCount);
            Assert.Equal((28, 28), d.ImageShape);
            Assert.Equal(10, d.Classes);
            Assert.Equal(0f, d.Features.Min());
            Assert.Equal(1f, d.Features.Max());
            float mean = (float)d.Features.Average(v => (double)v);
            Assert.InRange(mean, 0.1f, 0.4f); // mostly dark background
        }
    }

    /// <summary>An IDX file: magic, big-endian dims, data; gzip-compressed when asked.</summary>
    private static byte[] Idx(uint magic, int[] dims, byte[] data, bool gzip)
    {
        var raw = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(raw, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(raw, 4 + 4 * dims.Length);
        if (!gzip) return raw;
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    private static (string Images, string Labels) Write(TempDir tmp, int images, int labels, bool gzip = true, byte label = 3)
    {
        string ip = tmp.File("imgs-idx3-ubyte.gz"), lp = tmp.File("lbls-idx1-ubyte.gz");
        File.WriteAllBytes(ip, Idx(IdxReader.ImagesMagic, [images, 2, 3], Enumerable.Range(0, images * 6).Select(i => (byte)(i * 51 % 256)).ToArray(), gzip));
        File.WriteAllBytes(lp, Idx(IdxReader.LabelsMagic, [labels], Enumerable.Repeat(label, labels).ToArray(), gzip));
        return (ip, lp);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SmallFiles_LoadScaledToUnitRange(bool gzip)
    {
        using var tmp = new TempDir();
        var (ip, lp) = Write(tmp, 4, 4, gzip);
        var d = MnistLoader.Load(ip, lp);
        Assert.Equal(4, d.Samples);
        Assert.Equal((2, 3), d.ImageShape);
        Assert.Equal(51 / 255f, d.Features[1]);
        Assert.Equal(1f, d.Features[5]);
    }

    [Fact]
    public void CountMismatch_IsReported()
    {
        using var tmp = new TempDir();
        var (ip, lp) = Write(tmp, 3, 2);
        var e = Assert.Throws<DataFormatException>(() => MnistLoader.Load(ip, lp));
        Assert.Contains("lbls-idx1-ubyte.gz", e.Message);
        Assert.Contains("mismatch", e.Message);
    }

    [Fact]
    public void LabelOutOfRange_IsReported()
    {
        using var tmp = new TempDir();
        var (ip, lp) = Write(tmp, 2, 2, label: 10);
        var e = Assert.Throws<DataFormatException>(() => MnistLoader.Load(ip, lp));
        Assert.Contains("lbls-idx1-ubyte.gz", e.Message);
        Assert.Contains("outside the range 0..9", e.Message);
    }

    [Fact]
    public void WrongMagic_IsReported()
    {
        string labels = SharedData.PathOf("mnist/t10k-labels-idx1-ubyte.gz");
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(labels));
        Assert.Contains("t10k-labels-idx1-ubyte.gz", e.Message);
        Assert.Contains("wrong magic 0x00000801", e.Message);
    }

    [Fact]
    public void TruncatedData_IsReported()
    {
        using var tmp = new TempDir();
        string path = tmp.File("short-idx3-ubyte");
        File.WriteAllBytes(path, Idx(IdxReader.ImagesMagic, [10, 28, 28], new byte[100], gzip: false));
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains("short-idx3-ubyte", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void TruncatedGzipOfTheRealFile_IsReported()
    {
        using var tmp = new TempDir();
        var bytes = File.ReadAllBytes(SharedData.PathOf("mnist/t10k-labels-idx1-ubyte.gz"));
        string path = tmp.File("t10k-labels-idx1-ubyte.gz");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("t10k-labels-idx1-ubyte.gz", e.Message);
        Assert.True(e.Message.Contains("truncated") || e.Message.Contains("corrupt"), e.Message);
    }

    [Fact]
    public void MissingFolderFile_IsNamed()
    {
        using var tmp = new TempDir();
        var e = Assert.Throws<DataFormatException>(() => MnistLoader.Load(tmp.Path));
        Assert.Contains("train-images-idx3-ubyte", e.Message);
    }
}
