using SetGpu.Data;

namespace SetGpu.KernelsTests.Data;

public class MadelonReaderTests
{
    [Fact]
    public void UciFiles_GiveTrain2000AndValid600Of500Features()
    {
        var split = MadelonReader.Load(SharedData.PathOf("madelon"));
        Assert.Equal(2000, split.Train.Samples);
        Assert.Equal(600, split.Test.Samples);
        Assert.Equal(500, split.Train.FeatureCount);
        Assert.Equal([1000, 1000], split.Train.ClassCounts());
        Assert.Equal([300, 300], split.Test.ClassCounts());
        Assert.Equal(485f, split.Train.Features[0]); // first value of madelon_train.data
        Assert.Equal(0, split.Test.Labels[0]);       // madelon_valid.labels starts with -1
    }

    [Fact]
    public void UciFiles_MatchTheAsuMatCopy()
    {
        // README: asu/madelon.mat is UCI train + valid; check the first and last rows.
        var mat = MatDataset.Load(SharedData.PathOf("asu/madelon.mat"));
        var uci = MadelonReader.Load(SharedData.PathOf("madelon"));
        Assert.Equal(uci.Train.Sample(0).ToArray(), mat.Sample(0).ToArray());
        Assert.Equal(uci.Test.Sample(599).ToArray(), mat.Sample(2599).ToArray());
    }

    private static string CopyFolder(TempDir tmp)
    {
        foreach (string name in MadelonReader.FileNames)
            File.Copy(SharedData.PathOf("madelon/" + name), tmp.File(name));
        return tmp.Path;
    }

    private static void Edit(string path, int line, Func<string, string> change)
    {
        var lines = File.ReadAllLines(path);
        lines[line - 1] = change(lines[line - 1]);
        File.WriteAllLines(path, lines);
    }

    [Fact]
    public void BadNumber_IsReportedWithFileLineAndColumn()
    {
        using var tmp = new TempDir();
        string dir = CopyFolder(tmp);
        Edit(Path.Combine(dir, "madelon_valid.data"), 3, l => "4x5 " + l[(l.IndexOf(' ') + 1)..]);
        var e = Assert.Throws<DataFormatException>(() => MadelonReader.Load(dir));
        Assert.Contains("madelon_valid.data", e.Message);
        Assert.Contains("line 3, column 1", e.Message);
        Assert.Contains("not a finite number", e.Message);
    }

    [Fact]
    public void WrongColumnCount_IsReported()
    {
        using var tmp = new TempDir();
        string dir = CopyFolder(tmp);
        Edit(Path.Combine(dir, "madelon_train.data"), 7, l => l + " 17");
        var e = Assert.Throws<DataFormatException>(() => MadelonReader.Load(dir));
        Assert.Contains("madelon_train.data", e.Message);
        Assert.Contains("line 7: wrong column count, 501", e.Message);
    }

    [Fact]
    public void LabelOutOfRange_IsReported()
    {
        using var tmp = new TempDir();
        string dir = CopyFolder(tmp);
        Edit(Path.Combine(dir, "madelon_train.labels"), 5, _ => "2");
        var e = Assert.Throws<DataFormatException>(() => MadelonReader.Load(dir));
        Assert.Contains("madelon_train.labels", e.Message);
        Assert.Contains("line 5: label 2 is out of range", e.Message);
    }

    [Fact]
    public void LabelCountMismatch_IsReported()
    {
        using var tmp = new TempDir();
        string dir = CopyFolder(tmp);
        var path = Path.Combine(dir, "madelon_valid.labels");
        File.WriteAllLines(path, File.ReadAllLines(path)[..599]);
        var e = Assert.Throws<DataFormatException>(() => MadelonReader.Load(dir));
        Assert.Contains("madelon_valid.labels", e.Message);
        Assert.Contains("mismatch", e.Message);
    }
}
