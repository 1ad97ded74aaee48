using SetGpu.Data;

namespace SetGpu.KernelsTests.Data.Files;

/// <summary>Datasets built in C# from a float[,] or from a sequence of samples.</summary>
public class DatasetBuilderTests
{
    [Fact]
    public void FromMatrix_KeepsRowsAndLabels()
    {
        var d = DatasetBuilder.FromMatrix(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, [0, 2, 1]);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], d.Features);
        Assert.Equal([0, 2, 1], d.Labels);
        Assert.Equal(2, d.FeatureCount);
        Assert.Equal(3, d.Classes);
        Assert.Equal(5, DatasetBuilder.FromMatrix(new float[,] { { 1 }, { 2 } }, [0, 1], classes: 5).Classes);
    }

    [Fact]
    public void FromMatrix_Refusals()
    {
        Assert.Equal("matrix: row count mismatch: 2 rows of features but 1 labels",
                     Assert.Throws<DataFormatException>(() => DatasetBuilder.FromMatrix(new float[,] { { 1 }, { 2 } }, [0])).Message);
        Assert.Contains("label of sample 1 is -1",
                        Assert.Throws<DataFormatException>(() => DatasetBuilder.FromMatrix(new float[,] { { 1 }, { 2 } }, [0, -1])).Message);
        Assert.Contains("label of sample 1 is 4, outside 0..2",
                        Assert.Throws<DataFormatException>(() => DatasetBuilder.FromMatrix(new float[,] { { 1 }, { 2 } }, [0, 4], classes: 3)).Message);
        Assert.EndsWith("(not a finite number)",
                        Assert.Throws<DataFormatException>(() => DatasetBuilder.FromMatrix(new float[,] { { 1 }, { float.PositiveInfinity } }, [0, 1])).Message);
    }

    [Fact]
    public void FromSamples_StreamsOnce_AndChecksWidths()
    {
        int enumerated = 0;
        IEnumerable<(float[], int)> Rows()
        {
            enumerated++;
            for (int i = 0; i < 4; i++) yield return ([i, i * 10f, -i], i % 2);
        }
        var d = DatasetBuilder.FromSamples(Rows(), name: "rows");
        Assert.Equal(1, enumerated);
        Assert.Equal(4, d.Samples);
        Assert.Equal([2f, 20f, -2f], d.Sample(2).ToArray());
        Assert.Equal([0, 1, 0, 1], d.Labels);
        Assert.Equal("rows", d.Name);

        Assert.Equal("samples: sample 1 has 1 features where sample 0 has 2",
                     Assert.Throws<DataFormatException>(() => DatasetBuilder.FromSamples([([1f, 2f], 0), ([3f], 1)])).Message);
        Assert.Equal("samples: the dataset has no samples",
                     Assert.Throws<DataFormatException>(() => DatasetBuilder.FromSamples([])).Message);
    }
}
