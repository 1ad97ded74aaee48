using SetGpu.KernelsTests.Cli;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Faults;

/// <summary>
/// Places a run cannot write to are errors before it trains (no epoch row printed, nothing created), naming the option:
/// a report path that is a folder, a folder that cannot be made (a file stands in its place), a read-only folder (a real
/// read-only mount, since root ignores permission bits), an export folder that is a file.
/// </summary>
[Collection(nameof(CliHost))]
public class OutputTargetsCliTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    static readonly string[] Run = ["train", "--hidden", "20", "--epochs", "2", "--engine", "cpu"];

    static void AssertRefusedBeforeTraining(CliHost.Result result, params string[] expected)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        foreach (var text in expected) Assert.Contains(text, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.DoesNotContain("data:", result.Output); // refused before the data were loaded
    }

    [Fact]
    public void A_report_path_that_is_a_folder_is_refused_before_training()
    {
        string folder = _dir.File("reports/");
        Directory.CreateDirectory(folder);
        AssertRefusedBeforeTraining(CliHost.Run([.. Run, "--report", folder]), "--report", "is a folder");
        AssertRefusedBeforeTraining(CliHost.Run([.. Run, "--checkpoint", folder]), "--checkpoint", "is a folder");
    }

    [Fact]
    public void A_folder_that_cannot_be_made_is_refused_before_training()
    {
        File.WriteAllText(_dir.File("taken"), "a file where the run wants a folder");
        string checkpoint = Path.Combine(_dir.Path, "taken", "runs", "run.ckpt");
        AssertRefusedBeforeTraining(CliHost.Run([.. Run, "--checkpoint", checkpoint]), "--checkpoint", "cannot write to");
        AssertRefusedBeforeTraining(CliHost.Run([.. Run, "--export", _dir.File("taken")]), "--export", "is a file");
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "taken", "runs")));
    }

    [SkippableFact]
    public void A_read_only_folder_is_refused_before_training()
    {
        using var readOnly = TmpfsMount.Create(kilobytes: 64, readOnly: true);
        AssertRefusedBeforeTraining(CliHost.Run([.. Run, "--report", readOnly.File("run.json")]), "--report", "cannot write to", "Read-only file system");
        AssertRefusedBeforeTraining(CliHost.Run([.. Run, "--checkpoint", readOnly.File("run.ckpt")]), "--checkpoint", "Read-only");
        AssertRefusedBeforeTraining(CliHost.Run([.. Run, "--export", readOnly.File("export")]), "--export", "Read-only");
    }

    [Fact]
    public void Writable_targets_pass_and_leave_no_probe_file()
    {
        var result = CliHost.Ok([.. Run, "--report", _dir.File("out/run.json"), "--checkpoint", _dir.File("out/run.ckpt"), "--export", _dir.File("out/export")]);
        Assert.Contains("exported", result.Output);
        Assert.Equal(["run.ckpt", "run.json"], Directory.GetFiles(_dir.File("out")).Select(Path.GetFileName).Order());
    }
}
