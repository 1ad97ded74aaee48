using System.CommandLine;
using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Export;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>
/// <c>train</c>: a SET-MLP on a dataset, with a per-epoch table, an optional JSON report, checkpoints and resume.
/// <c>--resume FILE</c> continues the run of a checkpoint with the checkpoint's specification: options that define the
/// run may be repeated (so the original command line plus <c>--resume</c> works) but an option given with a different
/// value is an error naming it; options left out come from the checkpoint.
/// </summary>
internal static class TrainCommand
{
    /// <param name="helpGroups">Where the command's option groups for <c>--help</c> are added.</param>
    public static Command Create(IDictionary<Command, IReadOnlyList<OptionGroup>> helpGroups)
    {
        var kind = new MlpRun(new TrainCommandOptions());
        var command = new Command("train", "Train a SET multilayer perceptron");
        foreach (var option in kind.All.All) command.Options.Add(option);
        command.SetAction(result => CliErrors.Run(() => ModelRun.Execute(kind, result)));
        helpGroups[command] = kind.All.HelpGroups;
        return command;
    }

    sealed class MlpRun(TrainCommandOptions o) : RunKind
    {
        public TrainCommandOptions All => o;
        public override RunCommandOptions Options => o.Run;
        public override Type SpecType => typeof(SetMlpSpec);
        public override bool Holds(SetSpec spec) => spec is SetMlpSpec { Target: TrainingTarget.Labels };
        public override SetSpec Spec(ParseResult result, SetSpec? resumed) => o.Spec(result, (SetMlpSpec?)resumed);

        public override SetSpec WithData(SetSpec spec, TrainingData data)
        {
            var mlp = (SetMlpSpec)spec;
            return mlp with { LayerSizes = [data.Train.FeatureCount, .. mlp.LayerSizes[1..^1], data.Train.Classes] };
        }

        /// <summary>Without --batch, the batch for the split's size, and without --lr as well, the rate scaled to it.</summary>
        public override SetSpec WithData(SetSpec spec, TrainingData data, ParseResult result)
        {
            spec = WithData(spec, data);
            if (RunCommandOptions.IsGiven(result, o.Run.Batch)) return spec;
            int batch = SmallDataDefaults.BatchSize(data.Train.Samples);
            var optimizer = RunCommandOptions.IsGiven(result, o.Run.Lr)
                ? spec.Optimizer
                : spec.Optimizer with { LearningRate = SmallDataDefaults.LearningRate(spec.Optimizer.LearningRate, batch) };
            return spec with { BatchSize = batch, Optimizer = optimizer };
        }

        public override SetModel Create(SetSpec spec, Device device) => SetMlp.Create((SetMlpSpec)spec, device);
        public override SetModel Create(SetSpec spec, Device device, ParseResult result) =>
            SetMlp.Create((SetMlpSpec)spec, device, o.MaxMemoryBytes(result));
        public override SetModel Load(TrainingCheckpoint checkpoint, Device device) => SetMlp.Load(checkpoint, device);
        public override string Summary(SetModel model) => ((SetMlp)model).Export().Summary();
        public override bool RecordInputConnectivity(ParseResult result) => result.GetValue(o.RecordConnectivity);

        public override EpochTable Table(TrainingReport report, TrainingData data, string? reportPath)
        {
            var middle = new List<EpochTable.Column> { new("train loss", 10, r => $"{r.TrainLoss:F5}") };
            if (data.Validation is not null)
                middle.AddRange([new("val loss", 10, r => $"{r.Validation?.Loss:F5}"), new("val acc", 8, r => $"{r.Validation?.Accuracy:P2}")]);
            if (data.Test is not null)
                middle.AddRange([new("test loss", 10, r => $"{r.Test?.Loss:F5}"), new("test acc", 8, r => $"{r.Test?.Accuracy:P2}")]);
            if (data.Validation is not null || data.Test is not null)
                middle.Add(new("health", 14, r => LearningHealth.Cell(r.Health)));
            return new EpochTable(EpochTable.Around(middle, 12), report, reportPath);
        }

        public override string Result(TrainingReport report)
        {
            var last = report.Epochs[^1];
            if (last.Test?.Accuracy is not { } accuracy) return $"final training loss {last.TrainLoss:F5}";
            var best = report.Epochs.MaxBy(e => e.Test?.Accuracy ?? 0)!;
            return $"final test accuracy {accuracy:P2} (highest {best.Test!.Accuracy:P2} at epoch {best.Epoch + 1}, reported only)";
        }

        public override string? ExportFolder(ParseResult result) => result.GetValue(o.Export);

        public override void Finish(ParseResult result, SetModel model, Standardizer? scaling)
        {
            if (result.GetValue(o.Export) is not { } folder) return;
            var files = SciPyExport.Write(((SetMlp)model).Export(), folder, scaling);
            Console.WriteLine($"exported {files.Count} files to {Path.GetFullPath(folder)} (SciPy .npz weights, .npy biases)");
        }
    }
}
