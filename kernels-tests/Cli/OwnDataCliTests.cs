using SetGpu.KernelsTests.Data;

namespace SetGpu.KernelsTests.Cli;

/// <summary><c>train</c> on a user's CSV and NumPy files: the data options reach the readers, and --test replaces the split.</summary>
[Collection(nameof(CliHost))]
public class OwnDataCliTests
{
    static readonly string[] Quick = ["train", "--hidden", "20", "--epochs", "1", "--batch", "8", "--engine", "cpu"];

    /// <summary>Two classes told apart by the first feature; <paramref name="labelFirst"/> puts the label in column 1.</summary>
    static string Csv(int rows, bool header, bool labelFirst, int offset = 0)
    {
        var lines = new List<string>();
        if (header) lines.Add(labelFirst ? "kind,a,b" : "a,b,kind");
        for (int i = 0; i < rows; i++)
        {
            string kind = (i + offset) % 2 == 0 ? "low" : "high";
            string features = $"{((i + offset) % 2 == 0 ? -1 : 1) * (1 + i % 5)},{i % 3}";
            lines.Add(labelFirst ? $"{kind},{features}" : $"{features},{kind}");
        }
        return string.Join("\n", lines) + "\n";
    }

    [Fact]
    public void Train_OnCsv_WithLabelFirstAndNoHeader()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("d.csv"), Csv(60, header: false, labelFirst: true));
        var result = CliHost.Ok([.. Quick, "--dataset", tmp.File("d.csv"), "--no-header", "--label", "1"]);
        Assert.Contains("2 features", result.Output);
    }

    [Fact]
    public void Test_TakesTheTestSplitFromTheSecondFile()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("train.csv"), Csv(60, header: true, labelFirst: false));
        File.WriteAllText(tmp.File("test.csv"), Csv(14, header: true, labelFirst: false, offset: 1));
        var result = CliHost.Ok([.. Quick, "--dataset", tmp.File("train.csv"), "--test", tmp.File("test.csv")]);
        Assert.Contains("60 train", result.Output);
        Assert.Contains("14 test", result.Output);
    }

    [Fact]
    public void Predict_NeedsTheRunsTestFile_AndUsesIt()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("train.csv"), Csv(60, header: true, labelFirst: false));
        File.WriteAllText(tmp.File("test.csv"), Csv(14, header: true, labelFirst: false, offset: 1));
        CliHost.Ok([.. Quick, "--dataset", tmp.File("train.csv"), "--test", tmp.File("test.csv"), "--checkpoint", tmp.File("c.ckpt")]);

        var forgotten = CliHost.Run("predict", "--checkpoint", tmp.File("c.ckpt"));
        Assert.NotEqual(0, forgotten.ExitCode);
        Assert.Contains("but the run's were 60 / 14: give --test", forgotten.Error);

        var result = CliHost.Ok("predict", "--checkpoint", tmp.File("c.ckpt"), "--test", tmp.File("test.csv"));
        Assert.Contains("(test): 14 samples", result.Output);
    }

    [Fact]
    public void BadCell_IsOneLineNamingFileLineAndColumn()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("d.csv"), "a,b,kind\n1,2,x\n3,oops,y\n");
        var result = CliHost.Run([.. Quick, "--dataset", tmp.File("d.csv")]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"{tmp.File("d.csv")}: line 3, column 2 (b): \"oops\" is not a number", result.Error);
    }
}
