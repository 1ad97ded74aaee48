using SetGpu.Data;

namespace SetGpu.KernelsTests.Data.Files;

/// <summary>CSV files as datasets: what loads, how labels become classes, and every refusal naming file, line and column.</summary>
public class CsvFileTests
{
    static Dataset Load(TempDir tmp, string text, DataFileOptions? options = null, string name = "data.csv")
    {
        string path = tmp.File(name);
        File.WriteAllText(path, text);
        return DataFiles.Load(path, options);
    }

    static DataFormatException Refused(TempDir tmp, string text, DataFileOptions? options = null, string name = "data.csv")
    {
        string path = tmp.File(name);
        File.WriteAllText(path, text);
        var e = Assert.Throws<DataFormatException>(() => DataFiles.Load(path, options));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message); // one line
        return e;
    }

    [Fact]
    public void Header_LastColumnIsTheLabel_ValuesAndClassesAsWritten()
    {
        using var tmp = new TempDir();
        var d = Load(tmp, "a,b,c,label\n1,2,3,0\n4.5,-5e-1,6,1\n7,8,9,0\n");
        Assert.Equal(3, d.Samples);
        Assert.Equal(3, d.FeatureCount);
        Assert.Equal(2, d.Classes);
        Assert.Equal([1f, 2f, 3f, 4.5f, -0.5f, 6f, 7f, 8f, 9f], d.Features);
        Assert.Equal([0, 1, 0], d.Labels);
    }

    [Fact]
    public void NoHeader_FirstRowIsData()
    {
        using var tmp = new TempDir();
        var d = Load(tmp, "1,2,5\n3,4,7\n", new DataFileOptions { HasHeader = false });
        Assert.Equal(2, d.Samples);
        Assert.Equal([1f, 2f, 3f, 4f], d.Features);
        Assert.Equal([0, 1], d.Labels); // 5 and 7 by value
    }

    [Fact]
    public void LabelByName_AndByNumber_TakeThatColumnOut()
    {
        using var tmp = new TempDir();
        const string text = "y,a,b\n2,1,10\n1,2,20\n2,3,30\n";
        var byName = Load(tmp, text, new DataFileOptions { Label = "y" });
        var byNumber = Load(tmp, text, new DataFileOptions { Label = "1" });
        var fromEnd = Load(tmp, text, new DataFileOptions { Label = "-3" });
        foreach (var d in new[] { byName, byNumber, fromEnd })
        {
            Assert.Equal(2, d.FeatureCount);
            Assert.Equal([1f, 10f, 2f, 20f, 3f, 30f], d.Features);
            Assert.Equal([1, 0, 1], d.Labels); // classes by value: 1 → 0, 2 → 1
        }
        var middle = Load(tmp, text, new DataFileOptions { Label = "a" });
        Assert.Equal([2f, 10f, 1f, 20f, 2f, 30f], middle.Features);
        Assert.Equal(3, middle.Classes);
    }

    [Fact]
    public void StringLabels_AreClassesInOrdinalOrder_NotFirstSeen()
    {
        using var tmp = new TempDir();
        var d = Load(tmp, "x,species\n1,versicolor\n2,setosa\n3,virginica\n4,setosa\n");
        Assert.Equal(3, d.Classes);
        Assert.Equal([1, 0, 2, 0], d.Labels);
        Assert.Equal(["setosa", "versicolor", "virginica"], DataFiles.ClassNames(tmp.File("data.csv")));
    }

    [Fact]
    public void IntegerLabels_SortByValue_AndWrittenAsFloatsAreTheSameClass()
    {
        using var tmp = new TempDir();
        var d = Load(tmp, "x,y\n1,10\n2,9\n3,10.0\n4,-1\n5,9\n");
        Assert.Equal(3, d.Classes);
        Assert.Equal([2, 1, 2, 0, 1], d.Labels); // -1, 9, 10: by value, not text ("10" < "9")
    }

    [Fact]
    public void QuotedCells_CrLfAndTsv_Load()
    {
        using var tmp = new TempDir();
        var csv = Load(tmp, "\"a\",\"b\",\"class\"\r\n\"1.5\",2,\"big, red\"\r\n3,4,small\r\n");
        Assert.Equal([1.5f, 2f, 3f, 4f], csv.Features);
        Assert.Equal([0, 1], csv.Labels); // "big, red" < "small"
        var tsv = Load(tmp, "a\tb\tc\n1\t2\t0\n3\t4\t1\n", name: "data.tsv");
        Assert.Equal([1f, 2f, 3f, 4f], tsv.Features);
    }

    [Fact]
    public void TestFile_SharesTheClassMapping_EvenWithFewerClasses()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("train.csv"), "x,c\n1,b\n2,c\n3,a\n");
        File.WriteAllText(tmp.File("test.csv"), "x,c\n4,c\n5,c\n");
        var split = DataFiles.LoadSplit(tmp.File("train.csv"), tmp.File("test.csv"));
        Assert.Equal([1, 2, 0], split.Train.Labels);
        Assert.Equal([2, 2], split.Test.Labels); // alone the test file would have one class, index 0
        Assert.Equal(3, split.Test.Classes);
    }

    [Fact]
    public void TestFile_WithOtherFeatureCount_IsRefused()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("train.csv"), "x,c\n1,0\n2,1\n");
        File.WriteAllText(tmp.File("test.csv"), "x,z,c\n4,4,0\n");
        var e = Assert.Throws<DataFormatException>(() => DataFiles.LoadSplit(tmp.File("train.csv"), tmp.File("test.csv")));
        Assert.Contains("test.csv: 2 features, but the training file", e.Message);
    }

    [Fact]
    public void NonNumericCell_NamesLineColumnAndText()
    {
        using var tmp = new TempDir();
        var e = Refused(tmp, "a,b,c\n1,2,0\n3,abc,1\n");
        Assert.EndsWith("line 3, column 2 (b): \"abc\" is not a number", e.Message);
        var noHeader = Refused(tmp, "1,2,0\n3,4,1\n5,,1\n", new DataFileOptions { HasHeader = false });
        Assert.EndsWith("line 3, column 2: \"\" is not a number", noHeader.Message);
    }

    [Fact]
    public void NonFiniteCell_IsRefused()
    {
        using var tmp = new TempDir();
        var e = Refused(tmp, "a,b,c\n1,NaN,0\n");
        Assert.EndsWith("line 2, column 2 (b): \"NaN\" is not a finite float32", e.Message);
        Assert.EndsWith("line 2, column 1 (a): \"1e39\" is not a finite float32", Refused(tmp, "a,b,c\n1e39,1,0\n").Message);
    }

    [Fact]
    public void RaggedRow_NamesTheLine()
    {
        using var tmp = new TempDir();
        Assert.EndsWith("line 4: 2 columns where the header has 3 (a ragged row)", Refused(tmp, "a,b,c\n1,2,0\n3,4,1\n5,6\n").Message);
        Assert.EndsWith("line 2: 4 columns where line 1 has 3 (a ragged row)",
                        Refused(tmp, "1,2,0\n3,4,1,9\n", new DataFileOptions { HasHeader = false }).Message);
    }

    [Fact]
    public void EmptyFile_AndHeaderOnly_AreRefused()
    {
        using var tmp = new TempDir();
        Assert.EndsWith("the file is empty: no rows", Refused(tmp, "").Message);
        Assert.EndsWith("the file has a header but no data rows", Refused(tmp, "a,b,c\n").Message);
        Assert.Contains("1 column", Refused(tmp, "label\n0\n1\n").Message);
    }

    [Fact]
    public void MissingLabelColumn_ListsTheColumns()
    {
        using var tmp = new TempDir();
        Assert.EndsWith("no label column 'species' among 3 columns (columns: a, b, c)",
                        Refused(tmp, "a,b,c\n1,2,0\n", new DataFileOptions { Label = "species" }).Message);
        Assert.Contains("no label column '4' among 3 columns", Refused(tmp, "1,2,0\n", new DataFileOptions { HasHeader = false, Label = "4" }).Message);
        Assert.Contains("no label column '0'", Refused(tmp, "1,2,0\n", new DataFileOptions { HasHeader = false, Label = "0" }).Message);
    }

    [Fact]
    public void RepeatedColumnNames_AreFine_UnlessTheLabelIsChosenByOne()
    {
        using var tmp = new TempDir();
        var d = Load(tmp, "x,x,y\n1,2,0\n3,4,1\n");
        Assert.Equal([1f, 2f, 3f, 4f], d.Features);
        Assert.EndsWith("the label column 'x' is ambiguous: columns 1 and 2 have that name; give its number",
                        Refused(tmp, "x,x,y\n1,2,0\n3,4,1\n", new DataFileOptions { Label = "x" }).Message);
    }

    [Fact]
    public void SingleClass_IsRefused()
    {
        using var tmp = new TempDir();
        Assert.EndsWith("the labels hold a single class (7); a classifier needs at least 2", Refused(tmp, "a,y\n1,7\n2,7\n").Message);
    }

    [Fact]
    public void Catalog_LoadsACsvPath_AndSplitsIt()
    {
        using var tmp = new TempDir();
        var lines = Enumerable.Range(0, 30).Select(i => $"{i},{i * 2},{(i % 3 == 0 ? "a" : "b")}");
        File.WriteAllText(tmp.File("d.csv"), "x,z,c\n" + string.Join("\n", lines));
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { AllowDownload = false });
        var split = catalog.Load(tmp.File("d.csv"), seed: 1);
        Assert.Equal(30, split.Train.Samples + split.Test.Samples);
        Assert.Equal(2, split.Train.FeatureCount);
        var none = new DatasetCatalog(new DatasetCatalogOptions { AllowDownload = false, Files = new() { HasHeader = false } });
        Assert.Contains("line 1, column 1: \"x\" is not a number", Assert.Throws<DataFormatException>(() => none.Load(tmp.File("d.csv"), 1)).Message);
    }
}
