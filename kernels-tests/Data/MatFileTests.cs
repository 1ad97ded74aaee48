using SetGpu.Data;

namespace SetGpu.KernelsTests.Data;

public class MatFileTests
{
    [Fact]
    public void Coil20_IsTwentyClassesOf72ImagesWithValuesInUnitRange()
    {
        string path = SharedData.PathOf("COIL20.mat");
        var file = MatFile.Read(path);
        Assert.Equal(MatClass.Double, file.Get("X").Class);
        Assert.False(file.IsBigEndian);
        Assert.StartsWith("MATLAB 5.0 MAT-file", file.Description);

        var data = MatDataset.FromFile(file, (32, 32));
        Assert.Equal(1440, data.Samples);
        Assert.Equal(1024, data.FeatureCount);
        Assert.Equal((32, 32), data.ImageShape);
        Assert.Equal(20, data.Classes);
        Assert.All(data.ClassCounts(), c => Assert.Equal(72, c));
        Assert.Equal(0f, data.Features.Min());
        Assert.Equal(1f, data.Features.Max());
        // Row-major: sample 1's features are column 1 of MATLAB's X.
        Assert.Equal((float)file.Get("X")[1, 5], data.Sample(1)[5]);
    }

    [Theory]
    [InlineData("asu/Isolet.mat", 1560, 617, 26)]
    [InlineData("asu/PCMAC.mat", 1943, 3289, 2)]
    [InlineData("asu/BASEHOCK.mat", 1993, 4862, 2)]
    [InlineData("asu/RELATHE.mat", 1427, 4322, 2)]
    [InlineData("asu/madelon.mat", 2600, 500, 2)]
    [InlineData("asu/arcene.mat", 200, 10000, 2)]
    [InlineData("asu/ORL.mat", 400, 1024, 40)]
    [InlineData("asu/Yale.mat", 165, 1024, 15)]
    [InlineData("asu/GLIOMA.mat", 50, 4434, 4)]
    [InlineData("asu/lung_discrete.mat", 73, 325, 7)]
    [InlineData("asu/warpPIE10P.mat", 210, 2420, 10)]
    [InlineData("asu/pixraw10P.mat", 100, 10000, 10)]
    public void AsuFiles_HaveTheDocumentedShapes(string file, int samples, int features, int classes)
    {
        var data = MatDataset.Load(SharedData.PathOf(file));
        Assert.Equal(samples, data.Samples);
        Assert.Equal(features, data.FeatureCount);
        Assert.Equal(classes, data.Classes);
        Assert.All(data.ClassCounts(), c => Assert.True(c > 0));
    }

    [Fact]
    public void Isolet_Has60SamplesPerClassInMinusOneToOne()
    {
        var data = MatDataset.Load(SharedData.PathOf("asu/Isolet.mat"));
        Assert.All(data.ClassCounts(), c => Assert.Equal(60, c));
        Assert.Equal(-1f, data.Features.Min());
        Assert.Equal(1f, data.Features.Max());
    }

    [Fact]
    public void PlusMinusOneLabels_MapToZeroAndOne()
    {
        // madelon.mat stores Y (int16, -1/+1) before X (uint16).
        var file = MatFile.Read(SharedData.PathOf("asu/madelon.mat"));
        Assert.Equal([-1.0, 1.0], file.Get("Y").Values.Distinct().Order());
        var data = MatDataset.FromFile(file);
        Assert.Equal([1300, 1300], data.ClassCounts());
        for (int i = 0; i < data.Samples; i++) Assert.Equal(file.Get("Y").Values[i] > 0 ? 1 : 0, data.Labels[i]);

        var arcene = MatDataset.Load(SharedData.PathOf("asu/arcene.mat"));
        Assert.Equal([112, 88], arcene.ClassCounts());
    }

    [Fact]
    public void LungDiscrete_KeepsItsClassSizes()
    {
        var data = MatDataset.Load(SharedData.PathOf("asu/lung_discrete.mat"));
        Assert.Equal([6, 5, 5, 16, 7, 13, 21], data.ClassCounts());
        Assert.Equal(-2f, data.Features.Min());
        Assert.Equal(2f, data.Features.Max());
    }

    [Fact]
    public void NoSharedAsuFileIsStoredSparse_AllAreDenseIntegersOrDoubles()
    {
        // Documents the shared copies: all dense; text sets (PCMAC, BASEHOCK, RELATHE) store counts as uint8.
        foreach (string path in Directory.GetFiles(SharedData.PathOf("asu"), "*.mat"))
            Assert.False(MatFile.Read(path).Get("X").WasSparse, path);
    }

    [Theory]
    [InlineData(MiType.Int8, false, false)]
    [InlineData(MiType.UInt8, true, false)]
    [InlineData(MiType.Int16, true, true)]
    [InlineData(MiType.UInt16, false, true)]
    [InlineData(MiType.Int32, true, false)]
    [InlineData(MiType.UInt32, true, true)]
    [InlineData(MiType.Single, true, false)]
    [InlineData(MiType.Double, false, true)]
    [InlineData(MiType.Int64, true, true)]
    [InlineData(MiType.UInt64, true, false)]
    public void EveryStorageType_ByteOrderAndCompression_RoundTrips(MiType storage, bool compress, bool bigEndian)
    {
        double[] x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        double[] y = [1, 2, 3, 1];
        var bytes = new TestMatWriter(bigEndian, compress).Dense("X", 4, 3, x, storage).Dense("Y", 4, 1, y, MiType.Int16).ToBytes();
        var file = MatFile.Read(bytes, "crafted.mat");
        Assert.Equal(bigEndian, file.IsBigEndian);
        Assert.Equal(x, file.Get("X").Values);
        var data = MatDataset.FromFile(file);
        Assert.Equal([0, 1, 2, 0], data.Labels);
        Assert.Equal(3, data.Classes);
        // Column-major 4×3 → row-major: sample 1 is (1, 5, 9).
        Assert.Equal([1f, 5f, 9f], data.Sample(1).ToArray());
    }

    [Fact]
    public void NegativeValuesSurviveSignedStorage()
    {
        var bytes = new TestMatWriter().Dense("X", 2, 2, [-128, 127, -1, 0], MiType.Int8).Dense("Y", 2, 1, [-1, 1], MiType.Int8).ToBytes();
        Assert.Equal([-128.0, 127, -1, 0], MatFile.Read(bytes, "s.mat").Get("X").Values);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SparseArrays_AreDensified(bool compress)
    {
        double[] x = [0, 0, 3, 0, 1.5, 0, 0, 0, 0, 0, -2, 7];
        var bytes = new TestMatWriter(compress: compress).Sparse("X", 4, 3, x).Dense("Y", 4, 1, [1, 2, 1, 2], MiType.UInt8).ToBytes();
        var file = MatFile.Read(bytes, "sparse.mat");
        var arr = file.Get("X");
        Assert.True(arr.WasSparse);
        Assert.Equal(MatClass.Sparse, arr.Class);
        Assert.Equal(x, arr.Values);
        var data = MatDataset.FromFile(file);
        Assert.Equal([3f, 0f, -2f], data.Sample(2).ToArray());
        Assert.Equal([0f, 0f, 7f], data.Sample(3).ToArray());
    }

    [Fact]
    public void NonNumericVariables_AreSkippedAndExplainedWhenAskedFor()
    {
        var bytes = TestMatWriter.Simple().Chars("note", "hello").ToBytes();
        var file = MatFile.Read(bytes, "chars.mat");
        Assert.Contains("note", file.Skipped.Keys);
        var e = Assert.Throws<DataFormatException>(() => file.Get("note"));
        Assert.Contains("chars.mat", e.Message);
        Assert.Contains("mxCHAR_CLASS", e.Message);
        Assert.Equal(6, MatDataset.FromFile(file).Samples);
    }
}
