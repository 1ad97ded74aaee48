using System.IO.Compression;
using System.Runtime.InteropServices;
using SetGpu.Data;

namespace SetGpu.KernelsTests.Data.Files;

/// <summary>NumPy .npz archives and .npy pairs as datasets: every element type and layout, and every refusal.</summary>
public class NpyFileTests
{
    static readonly float[,] X = { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9.5f }, { -1, 0, 0.25f } };
    static readonly float[] Flat = [1, 2, 3, 4, 5, 6, 7, 8, 9.5f, -1, 0, 0.25f];

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void Npz_StoredOrDeflated_RoundTrips(CompressionLevel level)
    {
        using var tmp = new TempDir();
        string path = tmp.File("d.npz");
        TestNpy.Npz(path, level, ("X", TestNpy.Features(X)), ("y", TestNpy.Labels(3, 1, 3, 1)));
        var d = DataFiles.Load(path);
        Assert.Equal(Flat, d.Features);
        Assert.Equal(3, d.FeatureCount);
        Assert.Equal([1, 0, 1, 0], d.Labels);
    }

    [Fact]
    public void Npz_ArraysByOtherNames()
    {
        using var tmp = new TempDir();
        string path = tmp.File("d.npz");
        TestNpy.Npz(path, CompressionLevel.Fastest, ("data", TestNpy.Features(X)), ("target", TestNpy.Labels(0, 1, 0, 1)));
        Assert.Equal(Flat, DataFiles.Load(path, new DataFileOptions { FeaturesArray = "data", LabelsArray = "target" }).Features);
        var e = Assert.Throws<DataFormatException>(() => DataFiles.Load(path));
        Assert.Equal($"{path}: no array 'X'; the archive holds data, target", e.Message);
    }

    [Theory]
    [InlineData("<f4")]
    [InlineData("<f8")]
    [InlineData("<i4")]
    [InlineData("<i8")]
    [InlineData("|u1")]
    public void EveryElementType_ForFeaturesAndLabels(string descr)
    {
        using var tmp = new TempDir();
        double[] values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 250, 0, 17];
        long[] labels = [2, 0, 2, 5];
        File.WriteAllBytes(tmp.File("X.npy"), Typed(values, descr, [4, 3]));
        File.WriteAllBytes(tmp.File("y.npy"), Typed(labels.Select(v => (double)v).ToArray(), descr, [4]));
        var d = DataFiles.Load(tmp.File("X.npy"));
        Assert.Equal(values.Select(v => (float)v), d.Features);
        Assert.Equal([1, 0, 1, 2], d.Labels);
    }

    static byte[] Typed(double[] v, string descr, long[] shape) => descr switch
    {
        "<f4" => TestNpy.Array(v.Select(x => (float)x).ToArray(), descr, shape),
        "<f8" => TestNpy.Array(v, descr, shape),
        "<i4" => TestNpy.Array(v.Select(x => (int)x).ToArray(), descr, shape),
        "<i8" => TestNpy.Array(v.Select(x => (long)x).ToArray(), descr, shape),
        _ => TestNpy.Array(v.Select(x => (byte)x).ToArray(), descr, shape),
    };

    [Fact]
    public void NpyPairs_Beside_InAFolder_AsTwoPaths_AndVersion2Headers()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("X_train.npy"), TestNpy.Features(X));
        File.WriteAllBytes(tmp.File("y_train.npy"), TestNpy.Labels(0, 1, 1, 0));
        File.WriteAllBytes(tmp.File("sub/X.npy"), TestNpy.Array(Flat, "<f4", [4, 3], major: 2));
        File.WriteAllBytes(tmp.File("sub/y.npy"), TestNpy.Array(new long[] { 0, 1, 1, 0 }, "<i8", [4, 1], major: 2));
        File.WriteAllBytes(tmp.File("feats.npy"), TestNpy.Features(X));
        File.WriteAllBytes(tmp.File("target.npy"), TestNpy.Labels(0, 1, 1, 0));
        foreach (string path in new[] { tmp.File("X_train.npy"), tmp.File("sub"), tmp.File("feats.npy") + "," + tmp.File("target.npy") })
        {
            var d = DataFiles.Load(path);
            Assert.Equal(Flat, d.Features);
            Assert.Equal([0, 1, 1, 0], d.Labels);
        }
        var e = Assert.Throws<DataFormatException>(() => DataFiles.Load(tmp.File("feats.npy")));
        Assert.Contains("cannot tell where the labels are", e.Message);
    }

    [Fact]
    public void FortranOrder_IsTransposedIntoRows()
    {
        using var tmp = new TempDir();
        float[] columnMajor = [1, 4, 7, -1, 2, 5, 8, 0, 3, 6, 9.5f, 0.25f];
        File.WriteAllBytes(tmp.File("X.npy"), TestNpy.Array(columnMajor, "<f4", [4, 3], fortran: true));
        File.WriteAllBytes(tmp.File("y.npy"), TestNpy.Labels(0, 1, 0, 1));
        Assert.Equal(Flat, DataFiles.Load(tmp.File("X.npy")).Features);
    }

    [Fact]
    public void ThreeDimensionalFeatures_KeepTheImageShape()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("X.npy"), TestNpy.Array(Flat, "<f4", [2, 2, 3]));
        File.WriteAllBytes(tmp.File("y.npy"), TestNpy.Labels(0, 1));
        var d = DataFiles.Load(tmp.File("X.npy"));
        Assert.Equal(6, d.FeatureCount);
        Assert.Equal((2, 3), d.ImageShape);
    }

    static string Refused(TempDir tmp, byte[] x, byte[] y, string xName = "X.npy")
    {
        File.WriteAllBytes(tmp.File(xName), x);
        File.WriteAllBytes(tmp.File("y.npy"), y);
        var e = Assert.Throws<DataFormatException>(() => DataFiles.Load(tmp.File("X.npy")));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void TruncatedData_IsRefusedBeforeAllocating()
    {
        using var tmp = new TempDir();
        byte[] whole = TestNpy.Features(X);
        string message = Refused(tmp, whole[..^5], TestNpy.Labels(0, 1, 0, 1));
        Assert.Equal($"{tmp.File("X.npy")}: truncated: shape (4, 3) of Float32 needs 48 data bytes but only 43 follow the header", message);
        Assert.Contains("truncated: the file ends inside the .npy header", Refused(tmp, whole[..30], TestNpy.Labels(0, 1, 0, 1)));
    }

    [Fact]
    public void ShapeLargerThanTheBytes_IsRefused()
    {
        using var tmp = new TempDir();
        // Claims 2^40 floats: refused from the file's length, with no 4 TB allocation tried.
        byte[] huge = TestNpy.Array(Flat, "<f4", [1L << 20, 1L << 20]);
        Assert.Contains("truncated: shape (1048576, 1048576) of Float32 needs 4398046511104 data bytes but only 48 follow", Refused(tmp, huge, TestNpy.Labels(0, 1)));
        Assert.Contains("bytes follow the 48 that shape (4, 3)", Refused(tmp, [.. TestNpy.Features(X), 0, 0, 0, 0], TestNpy.Labels(0, 1, 0, 1)));
    }

    [Fact]
    public void TruncatedNpzMember_IsRefused()
    {
        using var tmp = new TempDir();
        string path = tmp.File("d.npz");
        TestNpy.Npz(path, CompressionLevel.NoCompression, ("X", TestNpy.Features(X)[..^8]), ("y", TestNpy.Labels(0, 1, 0, 1)));
        var e = Assert.Throws<DataFormatException>(() => DataFiles.Load(path));
        Assert.Equal($"{path} [X.npy]: truncated: shape (4, 3) of Float32 needs 48 data bytes but only 40 follow the header", e.Message);
    }

    [Fact]
    public void BigEndian_Object_Structured_AndOtherTypes_AreRefused()
    {
        using var tmp = new TempDir();
        var y = TestNpy.Labels(0, 1, 0, 1);
        Assert.Contains("big-endian array (dtype '>f4'); SetGpu reads little-endian: save arr.astype('<f4')", Refused(tmp, TestNpy.Array(Flat, ">f4", [4, 3]), y));
        Assert.Contains("an object array", Refused(tmp, TestNpy.Array(Flat, "|O", [4, 3]), y));
        Assert.Contains("dtype '<f2' is not read", Refused(tmp, TestNpy.Array(Flat, "<f2", [4, 3]), y));
        Assert.Contains("not a NumPy .npy array", Refused(tmp, "a,b\n1,2\n"u8.ToArray(), y));
    }

    [Fact]
    public void RowCountMismatch_AndLabelShapes_AreRefused()
    {
        using var tmp = new TempDir();
        Assert.EndsWith("row count mismatch: it has 4 samples but y.npy has 3 labels", Refused(tmp, TestNpy.Features(X), TestNpy.Labels(0, 1, 0)));
        Assert.Contains("labels of shape (2, 2)", Refused(tmp, TestNpy.Features(X), TestNpy.Array(new long[] { 0, 1, 0, 1 }, "<i8", [2, 2])));
        Assert.Contains("label [1] is 0.5, not an integer class label",
                        Refused(tmp, TestNpy.Features(X), TestNpy.Array(new float[] { 0, 0.5f, 1, 1 }, "<f4", [4])));
        Assert.Contains("features of shape (12,)", Refused(tmp, TestNpy.Array(Flat, "<f4", [12]), TestNpy.Labels(0, 1)));
    }

    [Fact]
    public void NonFiniteFeature_IsRefusedWithSampleAndFeature()
    {
        using var tmp = new TempDir();
        var values = (float[])Flat.Clone();
        values[7] = float.NaN;
        Assert.EndsWith("feature 1 of sample 2 is NaN (not a finite number)", Refused(tmp, TestNpy.Array(values, "<f4", [4, 3]), TestNpy.Labels(0, 1, 0, 1)));
    }

    [Fact]
    public void CorruptZip_IsRefused()
    {
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp.File("d.npz"), MemoryMarshal.AsBytes<float>(Flat).ToArray());
        var e = Assert.Throws<DataFormatException>(() => DataFiles.Load(tmp.File("d.npz")));
        Assert.StartsWith($"{tmp.File("d.npz")}: cannot read the file as an .npz (zip) archive", e.Message);
    }
}
