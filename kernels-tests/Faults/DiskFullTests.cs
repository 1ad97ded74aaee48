using SetGpu.Checkpoints;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Faults;

/// <summary>
/// A disk that fills in the middle of a save, for real: a 1 MB tmpfs. The previous checkpoint (or report) stays intact and
/// loadable, the error says "disk full" with the path, and no temporary file is left behind.
/// </summary>
[Trait(Lane.Category, Lane.Slow)]
public class DiskFullTests
{
    static TrainingCheckpoint Checkpoint(int neurons, int epochs)
    {
        var spec = new SetMlpSpec { LayerSizes = [neurons, neurons, 10], Epsilon = 20, Epochs = 100, Seed = 3 };
        var checkpoint = new TrainingCheckpoint
        {
            Network = SparseNetwork.Create(spec),
            Report = new TrainingReport { Engine = "cpu", Device = "cpu", Dataset = "none", Spec = spec },
            Data = new DataIdentity { Name = "none", Fingerprint = new string('0', 64) },
        };
        for (int e = 0; e < epochs; e++) checkpoint.Report.Epochs.Add(new EpochRecord { Epoch = e, TrainLoss = e });
        return checkpoint;
    }

    [SkippableFact]
    public void A_checkpoint_save_that_fills_the_disk_keeps_the_previous_checkpoint()
    {
        using var disk = TmpfsMount.Create(kilobytes: 1024);
        string path = disk.File("run.ckpt");
        long small = Checkpoint(100, epochs: 2).Save(path); // about 60 KB: fits
        Assert.InRange(small, 1, 200_000);
        var previous = File.ReadAllBytes(path);

        // About 3 MB: the disk fills in the middle of the temporary file.
        var e = Assert.ThrowsAny<IOException>(() => Checkpoint(3000, epochs: 3).Save(path));
        Assert.Contains("disk full", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains("previous checkpoint is unchanged", e.Message);

        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(2, TrainingCheckpoint.Load(path).EpochsCompleted);
        Assert.Equal(["run.ckpt"], Directory.GetFiles(disk.Path).Select(Path.GetFileName));
    }

    [SkippableFact]
    public void A_report_save_on_a_full_disk_keeps_the_previous_report()
    {
        using var disk = TmpfsMount.Create(kilobytes: 256);
        string path = disk.File("run.json");
        var report = Checkpoint(10, epochs: 1).Report;
        report.Save(path);
        var previous = File.ReadAllText(path);
        // Fill what is left, then save a longer report.
        using (var filler = File.Create(disk.File("filler")))
        {
            var block = new byte[4096];
            try { while (true) filler.Write(block); }
            catch (IOException) { }
        }
        for (int e = 1; e < 50; e++) report.Epochs.Add(new EpochRecord { Epoch = e, TrainLoss = e });
        var error = Assert.ThrowsAny<IOException>(() => report.Save(path));
        Assert.Contains("disk full", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Equal(previous, File.ReadAllText(path));
        Assert.Single(TrainingReport.Load(path).Epochs);
        Assert.Equal(["filler", "run.json"], Directory.GetFiles(disk.Path).Select(Path.GetFileName).Order());
    }
}
