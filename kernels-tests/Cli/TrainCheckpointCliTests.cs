using SetGpu.Checkpoints;
using SetGpu.Cpu;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cli;

/// <summary>
/// train --checkpoint / --stop-after / --resume, predict and export through the command line, on the embedded synthetic
/// dataset with a small network (seconds).
/// </summary>
[Collection(nameof(CliHost))]
[Trait(Lane.Category, Lane.Slow)]
public class TrainCheckpointCliTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    static readonly string[] Run = ["train", "--hidden", "40,30", "--epochs", "4", "--batch", "16", "--lr", "0.05", "--dropout", "0.1",
                                    "--lr-schedule", "cosine", "--engine", "cpu", "--seed", "5"];

    string F(string name) => _dir.File(name);

    [Fact]
    public void Stopped_and_resumed_run_equals_the_uninterrupted_run()
    {
        CliHost.Ok([.. Run, "--report", F("whole.json"), "--checkpoint", F("whole.ckpt")]);

        var first = CliHost.Ok([.. Run, "--report", F("parts.json"), "--checkpoint", F("parts.ckpt"), "--stop-after", "2"]);
        Assert.Contains("stopped after epoch 2 of 4", first.Output);
        Assert.Equal(2, TrainingReport.Load(F("parts.json")).Epochs.Count);
        Assert.Equal(2, TrainingCheckpoint.Load(F("parts.ckpt")).EpochsCompleted);

        // The original command line with --resume added: every repeated option agrees with the checkpoint.
        var second = CliHost.Ok([.. Run, "--report", F("parts.json"), "--resume", F("parts.ckpt")]);
        Assert.Contains("resuming", second.Output);
        Assert.Contains("2 of 4 epochs done", second.Output);

        Runs.AssertSameMetrics(TrainingReport.Load(F("whole.json")), TrainingReport.Load(F("parts.json")));
        var whole = TrainingCheckpoint.Load(F("whole.ckpt"));
        var parts = TrainingCheckpoint.Load(F("parts.ckpt"));
        Assert.True(parts.IsComplete);
        Runs.AssertIdentical(whole.Network!, parts.Network!);
        Runs.AssertSameMetrics(whole.Report, parts.Report);
    }

    /// <summary>
    /// A checkpoint's `auto` is resolved from the data by the rule of the day. One written when `auto` meant per-feature
    /// for this data (made here by relabelling a per-feature run) resumes with per-feature, found by its fingerprint,
    /// and says so, rather than being refused as other data.
    /// </summary>
    [Fact]
    public void A_checkpoint_whose_auto_was_resolved_by_an_earlier_rule_resumes_with_that_standardization()
    {
        CliHost.Ok([.. Run, "--standardize", "per-feature", "--checkpoint", F("p.ckpt"), "--stop-after", "1"]);
        var written = TrainingCheckpoint.Load(F("p.ckpt"));
        var relabelled = new TrainingCheckpoint
        {
            Report = written.Report, Network = written.Network, InProgress = written.InProgress, Scaling = written.Scaling,
            Data = written.Data! with { Standardization = "auto" },
        };
        relabelled.Save(F("auto.ckpt"));

        var resumed = CliHost.Ok("train", "--resume", F("auto.ckpt"), "--engine", "cpu", "--report", F("auto.json"));
        Assert.Contains("standardize: per-feature (the checkpoint's auto, as its run resolved it)", resumed.Output);
        Assert.Equal(4, TrainingReport.Load(F("auto.json")).Epochs.Count);
    }

    [Fact]
    public void Resume_with_only_the_file_takes_the_checkpoints_configuration()
    {
        CliHost.Ok([.. Run, "--checkpoint", F("c.ckpt"), "--stop-after", "3", "--checkpoint-every", "2"]);
        var result = CliHost.Ok("train", "--resume", F("c.ckpt"), "--engine", "cpu", "--report", F("c.json"));
        Assert.Contains("3 of 4 epochs done", result.Output);
        var report = TrainingReport.Load(F("c.json"));
        Assert.Equal(4, report.Epochs.Count);
        var spec = (SetMlpSpec)report.Spec;
        Assert.Equal(LearningRateSchedule.Cosine, spec.Schedule);
        Assert.Equal(0.1f, spec.Dropout);
        Assert.Equal([120, 40, 30, 3], spec.LayerSizes);
    }

    [Fact]
    public void Resume_refuses_options_that_disagree_naming_each()
    {
        CliHost.Ok([.. Run, "--checkpoint", F("c.ckpt"), "--stop-after", "1"]);
        var before = File.ReadAllBytes(F("c.ckpt"));
        var result = CliHost.Run("train", "--resume", F("c.ckpt"), "--lr", "0.5", "--hidden", "40,31", "--dataset", "coil20",
                                 "--standardize", "none", "--report", F("r.json"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the command line disagrees with the checkpoint's run", result.Error);
        Assert.Contains("--lr: the checkpoint has 0.05, the command line 0.5", result.Error);
        Assert.Contains("--hidden: the checkpoint has [120,40,30,3], the command line [120,40,31,3]", result.Error);
        Assert.Contains("--dataset: the checkpoint's run trains on synthetic, the command line says coil20", result.Error);
        Assert.Contains("--standardize: the checkpoint has auto, the command line none", result.Error);
        Assert.Equal(before, File.ReadAllBytes(F("c.ckpt")));
        Assert.False(File.Exists(F("r.json")));
    }

    [Fact]
    public void Resume_refuses_data_that_changed_under_the_same_name()
    {
        string mat = F("small.mat");
        WriteMat(mat, shift: 0);
        string[] run = ["train", "--dataset", mat, "--hidden", "16", "--epochs", "3", "--batch", "8", "--engine", "cpu"];
        CliHost.Ok([.. run, "--checkpoint", F("m.ckpt"), "--stop-after", "1"]);
        WriteMat(mat, shift: 0.5); // same file name, same shapes and labels, other values
        var result = CliHost.Run("train", "--resume", F("m.ckpt"), "--engine", "cpu");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the data are not those the run trained on", result.Error);
        Assert.Contains("data fingerprint", result.Error);
    }

    static void WriteMat(string path, double shift)
    {
        const int n = 60, d = 6;
        var rng = new Random(3);
        var x = new double[n * d];
        var y = new double[n];
        for (int s = 0; s < n; s++)
        {
            y[s] = s % 3 + 1;
            for (int f = 0; f < d; f++) x[f * n + s] = (f == s % 3 ? 2 : 0) + rng.NextDouble(); // column-major
        }
        x[0] += shift; // one value of one sample
        new TestMatWriter().Dense("X", n, d, x).Dense("Y", n, 1, y).Save(path);
    }

    [Fact]
    public void Resume_of_a_damaged_checkpoint_fails_clearly_and_changes_nothing()
    {
        CliHost.Ok([.. Run, "--checkpoint", F("c.ckpt"), "--stop-after", "1"]);
        var bytes = File.ReadAllBytes(F("c.ckpt"));
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(F("c.ckpt"), bytes);
        var result = CliHost.Run("train", "--resume", F("c.ckpt"), "--report", F("r.json"));
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {F("c.ckpt")}: checksum mismatch", result.Error.Trim());
        Assert.Equal(bytes, File.ReadAllBytes(F("c.ckpt")));
        Assert.False(File.Exists(F("r.json")));
    }

    [Fact]
    public void Rbm_stopped_and_resumed_equals_the_uninterrupted_run_and_refuses_the_other_command()
    {
        string[] rbm = ["rbm", "--dataset", "coil20", "--data-dir", SharedData.Root, "--hidden", "24", "--epochs", "4",
                        "--persistent", "--momentum", "0.5", "--engine", "cpu"];
        CliHost.Ok([.. rbm, "--report", F("whole.json"), "--checkpoint", F("whole.ckpt")]);
        var first = CliHost.Ok([.. rbm, "--checkpoint", F("parts.ckpt"), "--stop-after", "2"]);
        Assert.Contains("stopped after epoch 2 of 4", first.Output);
        var second = CliHost.Ok("rbm", "--data-dir", SharedData.Root, "--resume", F("parts.ckpt"), "--report", F("parts.json"));
        Assert.Contains("2 of 4 epochs done", second.Output);
        Runs.AssertSameMetrics(TrainingReport.Load(F("whole.json")), TrainingReport.Load(F("parts.json")));
        Runs.AssertIdentical(TrainingCheckpoint.Load(F("whole.ckpt")).Rbm!, TrainingCheckpoint.Load(F("parts.ckpt")).Rbm!);

        var wrong = CliHost.Run("train", "--resume", F("parts.ckpt"));
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("the checkpoint holds a SET-RBM; continue it with `rbm --resume`", wrong.Error);
        var invalid = CliHost.Run([.. rbm, "--cd", "0"]);
        Assert.Equal("error: --cd: CD steps (k of CD-k) must be at least 1, got 0", invalid.Error.Trim());
    }

    [Fact]
    public void Checkpoint_options_need_a_checkpoint_file()
    {
        var result = CliHost.Run([.. Run, "--stop-after", "1"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--stop-after needs --checkpoint FILE", result.Error);
    }

    [Fact]
    public void Predict_gives_the_runs_last_test_accuracy_and_a_csv()
    {
        CliHost.Ok([.. Run, "--report", F("r.json"), "--checkpoint", F("c.ckpt"), "--checkpoint-every", "0"]);
        var report = TrainingReport.Load(F("r.json"));
        var result = CliHost.Ok("predict", "--checkpoint", F("c.ckpt"), "--out", F("p.csv"));
        // The final checkpoint holds the network that was evaluated after the last epoch (no evolution follows it).
        Assert.Contains($"accuracy {report.Epochs[^1].Test!.Accuracy:P2}", result.Output);
        var lines = File.ReadAllLines(F("p.csv"));
        Assert.Equal("sample,label,predicted,output_0,output_1,output_2", lines[0]);
        Assert.Equal(report.TestSamples + 1, lines.Length);
        int correct = lines.Skip(1).Select(l => l.Split(',')).Count(c => c[1] == c[2]);
        Assert.Equal(report.Epochs[^1].Test!.Accuracy, correct / (double)report.TestSamples);
        foreach (var cells in lines.Skip(1).Select(l => l.Split(',')))
        {
            var outputs = cells[3..].Select(c => float.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(int.Parse(cells[2]), new Prediction(outputs, outputs.Length).Classes()[0]);
            Assert.Equal(1.0, outputs.Sum(), 1e-5); // softmax
        }

        var ilgpu = CliHost.Ok("predict", "--checkpoint", F("c.ckpt"), "--engine", "ilgpu-cpu");
        Assert.Contains($"accuracy {report.Epochs[^1].Test!.Accuracy:P2}", ilgpu.Output);
    }

    [Fact]
    public void Export_command_and_train_export_write_the_same_files()
    {
        CliHost.Ok([.. Run, "--checkpoint", F("c.ckpt"), "--export", F("a")]);
        CliHost.Ok("export", "--checkpoint", F("c.ckpt"), "--out", F("b"));
        foreach (var name in new[] { "layer0_weights.npz", "layer0_bias.npy", "layer1_weights.npz", "layer1_bias.npy", "layer2_weights.npz", "layer2_bias.npy",
                                     "input_mean.npy", "input_std.npy", "network.json" })
        {
            var a = Path.Combine(_dir.Path, "a", name);
            Assert.True(File.Exists(a), a);
            if (name.EndsWith(".npy")) Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(Path.Combine(_dir.Path, "b", name)));
            if (name.EndsWith(".npz"))
                Assert.Equal(NpyArray.ReadNpz(a).Select(e => e.Array.Data), NpyArray.ReadNpz(Path.Combine(_dir.Path, "b", name)).Select(e => e.Array.Data));
        }
        // The synthetic data are standardised per feature: Python users get the statistics to do the same.
        var scaling = TrainingCheckpoint.Load(F("c.ckpt")).Scaling!;
        Assert.Equal(scaling.Mean, NpyArray.Read(File.ReadAllBytes(Path.Combine(_dir.Path, "b", "input_mean.npy"))).As<float>());
        Assert.Equal(scaling.Std, NpyArray.Read(File.ReadAllBytes(Path.Combine(_dir.Path, "b", "input_std.npy"))).As<float>());
    }

    [Fact]
    public void Export_onnx_writes_the_model_and_refuses_bad_options_in_one_line()
    {
        CliHost.Ok([.. Run, "--checkpoint", F("c.ckpt")]);
        var file = CliHost.Ok("export", "--checkpoint", F("c.ckpt"), "--format", "onnx", "--out", F("m.onnx"));
        Assert.Equal(F("m.onnx"), file.Output.Trim());
        Assert.True(new FileInfo(F("m.onnx")).Length > 0);
        Directory.CreateDirectory(F("folder"));
        var folder = CliHost.Ok("export", "--checkpoint", F("c.ckpt"), "--format", "onnx", "--onnx-dense", "--out", F("folder"));
        Assert.Equal(Path.Combine(F("folder"), "network.onnx"), folder.Output.Trim());

        foreach (var (args, message) in new[]
                 {
                     (new[] { "--format", "tflite", "--out", F("x") }, "error: --format: 'tflite' is not a format; use scipy or onnx"),
                     (new[] { "--onnx-dense", "--out", F("x") }, "error: --onnx-dense: only with --format onnx"),
                 })
        {
            var bad = CliHost.Run(["export", "--checkpoint", F("c.ckpt"), .. args]);
            Assert.Equal(2, bad.ExitCode);
            Assert.Equal(message, bad.Error.Trim());
        }
    }
}
