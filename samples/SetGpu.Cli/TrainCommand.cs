using System.CommandLine;
using SetGpu.Checkpoints;
using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>
/// <c>train</c>: a SET-MLP on a dataset, with a per-epoch table, an optional JSON report, checkpoints and resume.
/// <c>--resume FILE</c> continues the run of a checkpoint with the checkpoint's configuration: options that define the
/// run may be repeated (so the original command line plus <c>--resume</c> works) but an option given with a different
/// value is an error naming it; options left out come from the checkpoint.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var o = new TrainOptions();
        var command = new Command("train", "Train a SET multilayer perceptron");
        foreach (var option in o.All) command.Options.Add(option);
        command.SetAction(result => CliErrors.Run(() =>
        {
            string? resume = result.GetValue(o.Resume);
            return resume is null ? Fresh(result, o) : Resume(result, o, resume);
        }));
        return command;
    }

    static int Fresh(ParseResult result, TrainOptions o)
    {
        var model = o.Model(result, baseline: null);
        var training = o.Training(result, baseline: null);
        // Refuse bad options before any work: the data can take seconds to load.
        model.Validate();
        training.Validate(int.MaxValue);
        int every = CheckpointEvery(result, o);
        string name = result.GetValue(o.Dataset)!, standardize = result.GetValue(o.Standardize)!;
        var (data, scaling) = DataLoading.Load(name, result.GetValue(o.DataDir), training.Seed, standardize);
        model = model with { LayerSizes = [data.Train.FeatureCount, .. model.LayerSizes[1..^1], data.Train.Classes] };
        var identity = new Lazy<DataIdentity>(() => DataIdentity.Of(data, name, DataLoading.SplitSeed(training.Seed), standardize));
        return TrainRun.Fresh(data, scaling, identity, model, training, new TrainRun.Outputs(
            result.GetValue(o.Engine)!, result.GetValue(o.Report), result.GetValue(o.Checkpoint), every, StopAfter(result, o), result.GetValue(o.Export)));
    }

    static int Resume(ParseResult result, TrainOptions o, string path)
    {
        var checkpoint = TrainingCheckpoint.Load(path);
        var saved = checkpoint.Report;
        var conflicts = ResumeCheck.Conflicts(saved.Model, o.Model(result, saved.Model), saved.Training, o.Training(result, saved.Training));
        if (o.IsGiven(result, o.Dataset) && result.GetValue(o.Dataset) != checkpoint.Data.Name)
            conflicts.Add($"--dataset: the checkpoint's run trains on {checkpoint.Data.Name}, the command line says {result.GetValue(o.Dataset)}");
        if (o.IsGiven(result, o.Standardize) && result.GetValue(o.Standardize) != checkpoint.Data.Standardization)
            conflicts.Add($"--standardize: the checkpoint has {checkpoint.Data.Standardization}, the command line {result.GetValue(o.Standardize)}");
        if (conflicts.Count > 0)
            throw new ArgumentException($"--resume {path}: the command line disagrees with the checkpoint's run; leave these options out " +
                                        $"to continue with the checkpoint's configuration:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", conflicts)}");
        int every = CheckpointEvery(result, o);
        var training = saved.Training;
        var (data, scaling) = DataLoading.Load(checkpoint.Data.Name, result.GetValue(o.DataDir), training.Seed, checkpoint.Data.Standardization);
        var identity = DataIdentity.Of(data, checkpoint.Data.Name, DataLoading.SplitSeed(training.Seed), checkpoint.Data.Standardization);
        var differences = checkpoint.Data.Differences(identity);
        if (differences.Count > 0)
            throw new ArgumentException($"--resume {path}: the data are not those the run trained on:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", differences)}");
        return TrainRun.Resume(checkpoint, path, data, scaling, identity, new TrainRun.Outputs(
            result.GetValue(o.Engine)!, result.GetValue(o.Report), result.GetValue(o.Checkpoint) ?? path, every, StopAfter(result, o), result.GetValue(o.Export)));
    }

    static int? StopAfter(ParseResult result, TrainOptions o)
    {
        int? stop = result.GetValue(o.StopAfter);
        if (stop is null) return null;
        if (stop < 1) throw new ArgumentException($"--stop-after: {stop}; give at least 1 epoch");
        if (result.GetValue(o.Checkpoint) is null && result.GetValue(o.Resume) is null)
            throw new ArgumentException("--stop-after needs --checkpoint FILE: the run continues from it");
        return stop;
    }

    static int CheckpointEvery(ParseResult result, TrainOptions o)
    {
        int every = result.GetValue(o.CheckpointEvery);
        if (every < 0) throw new ArgumentException($"--checkpoint-every: {every}; give a number of epochs, or 0 to save only at the end");
        if (o.IsGiven(result, o.CheckpointEvery) && result.GetValue(o.Checkpoint) is null && result.GetValue(o.Resume) is null)
            throw new ArgumentException("--checkpoint-every needs --checkpoint FILE");
        return every;
    }
}
