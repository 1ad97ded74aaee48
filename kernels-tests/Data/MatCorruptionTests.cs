using SetGpu.Data;

namespace SetGpu.KernelsTests.Data;

public class MatCorruptionTests
{
    private static DataFormatException LoadFails(string path, params string[] words)
    {
        var e = Assert.Throws<DataFormatException>(() => MatDataset.Load(path));
        Assert.Contains(Path.GetFileName(path), e.Message);
        Assert.Contains(words, w => e.Message.Contains(w, StringComparison.OrdinalIgnoreCase));
        return e;
    }

    [Fact]
    public void TruncatedFile_IsReportedAsTruncated()
    {
        using var tmp = new TempDir();
        var bytes = File.ReadAllBytes(SharedData.PathOf("asu/lung_discrete.mat"));
        string path = tmp.File("cut.mat");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        LoadFails(path, "truncated");
        File.WriteAllBytes(path, bytes[..100]);
        LoadFails(path, "truncated");
    }

    [Fact]
    public void FlippedBytesInTheCompressedStream_AreReportedAsCorrupt()
    {
        using var tmp = new TempDir();
        var bytes = File.ReadAllBytes(SharedData.PathOf("asu/lung_discrete.mat"));
        // The first element (X) is compressed from byte 136; damage its middle.
        for (int i = 0; i < 8; i++) bytes[2000 + i] ^= 0x5A;
        string path = tmp.File("flipped.mat");
        File.WriteAllBytes(path, bytes);
        LoadFails(path, "corrupt");
    }

    [Fact]
    public void DamagedStoredZlibBlock_IsCaughtByTheAdlerChecksum()
    {
        // Stored (uncompressed) deflate blocks decode whatever their bytes are; only zlib's Adler-32 notices.
        using var tmp = new TempDir();
        var x = Enumerable.Range(0, 64).Select(i => (double)i).ToArray();
        var bytes = new TestMatWriter(level: System.IO.Compression.CompressionLevel.NoCompression)
            .Dense("X", 32, 2, x).Dense("Y", 32, 1, Enumerable.Range(0, 32).Select(i => (double)(i % 2)).ToArray()).ToBytes();
        string path = tmp.File("stored.mat");
        File.WriteAllBytes(path, bytes);
        Assert.Equal(x, MatFile.Read(path).Get("X").Values);
        bytes[128 + 8 + 2 + 5 + 100] ^= 0x10; // inside X's stored block, in the real part
        File.WriteAllBytes(path, bytes);
        LoadFails(path, "checksum");
    }

    [Fact]
    public void WrongHeader_IsRejected()
    {
        using var tmp = new TempDir();
        var bytes = File.ReadAllBytes(SharedData.PathOf("asu/lung_discrete.mat"));
        string path = tmp.File("header.mat");
        var text = bytes.ToArray();
        "NOT A MAT"u8.CopyTo(text);
        File.WriteAllBytes(path, text);
        LoadFails(path, "header");

        var endian = bytes.ToArray();
        endian[126] = (byte)'X';
        File.WriteAllBytes(path, endian);
        LoadFails(path, "endian");

        var hdf5 = bytes.ToArray();
        "MATLAB 7.3 MAT-file"u8.CopyTo(hdf5);
        File.WriteAllBytes(path, hdf5);
        LoadFails(path, "HDF5");
    }

    [Fact]
    public void RowCountMismatch_NamesBothVariables()
    {
        using var tmp = new TempDir();
        string path = tmp.File("mismatch.mat");
        new TestMatWriter().Dense("X", 4, 2, new double[8]).Dense("Y", 3, 1, [1, 2, 1]).Save(path);
        var e = LoadFails(path, "mismatch");
        Assert.Contains("4 rows", e.Message);
        Assert.Contains("3 labels", e.Message);
    }

    [Fact]
    public void NaNFeature_IsReportedWithItsPosition()
    {
        using var tmp = new TempDir();
        string path = tmp.File("nan.mat");
        new TestMatWriter().Dense("X", 2, 2, [1, 2, double.NaN, 4]).Dense("Y", 2, 1, [1, 2]).Save(path);
        var e = LoadFails(path, "NaN");
        Assert.Contains("X(1,2)", e.Message);
    }

    [Fact]
    public void NonIntegerLabel_IsRejected()
    {
        using var tmp = new TempDir();
        string path = tmp.File("label.mat");
        new TestMatWriter().Dense("X", 2, 1, [1, 2]).Dense("Y", 2, 1, [1, 2.5]).Save(path);
        var e = LoadFails(path, "not an integer");
        Assert.Contains("2.5", e.Message);
    }

    [Fact]
    public void SingleClass_IsRejected()
    {
        using var tmp = new TempDir();
        string path = tmp.File("oneclass.mat");
        new TestMatWriter().Dense("X", 2, 1, [1, 2]).Dense("Y", 2, 1, [3, 3]).Save(path);
        LoadFails(path, "single class");
    }

    [Fact]
    public void MissingVariable_ListsWhatIsThere()
    {
        using var tmp = new TempDir();
        string path = tmp.File("noy.mat");
        new TestMatWriter().Dense("X", 2, 1, [1, 2]).Dense("labels", 2, 1, [1, 2]).Save(path);
        var e = LoadFails(path, "missing");
        Assert.Contains("labels", e.Message);
    }

    [Fact]
    public void ComplexOrUnsupportedClass_IsExplained()
    {
        using var tmp = new TempDir();
        string path = tmp.File("chars.mat");
        new TestMatWriter().Chars("X", "abc").Dense("Y", 3, 1, [1, 2, 1]).Save(path);
        LoadFails(path, "not a numeric array");
    }

    [Fact]
    public void MissingFile_IsADataFormatError()
    {
        var e = Assert.Throws<DataFormatException>(() => MatDataset.Load("/nonexistent/nothing.mat"));
        Assert.Contains("nothing.mat", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnyTruncationOrDamagedByte_FailsOnlyWithDataFormatException(bool compress)
    {
        // Exhaustive over a small file: whatever the damage, the reader either succeeds or says why, by name.
        var good = TestMatWriter.Simple(rows: 5, cols: 3, compress: compress).Sparse("S", 3, 2, [0, 1, 0, 2, 0, 3]).ToBytes();
        for (int cut = 0; cut < good.Length; cut++)
            AssertOnlyFormatErrors(good[..cut]);
        for (int i = 0; i < good.Length; i++)
            foreach (byte v in new byte[] { 0x00, 0xFF, 0x7F, (byte)(good[i] ^ 0x01) })
            {
                var bad = good.ToArray();
                bad[i] = v;
                AssertOnlyFormatErrors(bad);
            }
    }

    private static void AssertOnlyFormatErrors(byte[] bytes)
    {
        try
        {
            var file = MatFile.Read(bytes, "fuzz.mat");
            if (file.Arrays.ContainsKey("X") && file.Arrays.ContainsKey("Y")) MatDataset.FromFile(file);
        }
        catch (DataFormatException e)
        {
            Assert.StartsWith("fuzz.mat: ", e.Message);
        }
    }
}
