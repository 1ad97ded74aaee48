using System.CommandLine;
using SetGpu.Checkpoints;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>What one model's command adds to the run every command shares (<see cref="ModelRun"/>).</summary>
internal abstract class RunKind
{
    /// <summary>The command's shared options.</summary>
    public abstract RunCommandOptions Options { get; }
    /// <summary>The specification type of the command's model.</summary>
    public abstract Type SpecType { get; }
    /// <summary>Whether a checkpoint of <paramref name="spec"/> is this command's model (an autoencoder's spec is an MLP's type).</summary>
    public virtual bool Holds(SetSpec spec) => spec.GetType() == SpecType;
    /// <summary>The command line's specification, over a resumed run's when there is one.</summary>
    public abstract SetSpec Spec(ParseResult result, SetSpec? resumed);
    /// <summary>How the command resolves <c>--standardize auto</c> for <paramref name="spec"/>.</summary>
    public virtual string Standardization(string given, SetSpec spec) => given;
    /// <summary>The specification with the data's shapes (inputs, outputs), after checking the data suit it.</summary>
    public abstract SetSpec WithData(SetSpec spec, TrainingData data);
    /// <summary>A fresh run's specification with the data's shapes and the defaults that depend on the data.</summary>
    public virtual SetSpec WithData(SetSpec spec, TrainingData data, ParseResult result) => WithData(spec, data);
    public abstract SetModel Create(SetSpec spec, Device device);
    /// <summary>The model of a fresh run, with the options of this command line (the MLP's --max-memory).</summary>
    public virtual SetModel Create(SetSpec spec, Device device, ParseResult result) => Create(spec, device);
    public abstract SetModel Load(TrainingCheckpoint checkpoint, Device device);
    /// <summary>Lines describing the model (layers, connections, density).</summary>
    public abstract string Summary(SetModel model);
    /// <summary>The epoch table of this model, with a validation or test column group when the data have one.</summary>
    public abstract EpochTable Table(TrainingReport report, TrainingData data, string? reportPath);
    /// <summary>What the run records beyond the specification (the MLP's input connectivity).</summary>
    public virtual bool RecordInputConnectivity(ParseResult result) => false;
    /// <summary>The closing line of a finished run.</summary>
    public abstract string Result(TrainingReport report);
    /// <summary>The folder a finished run exports to (the MLP's <c>--export</c>), checked before training.</summary>
    public virtual string? ExportFolder(ParseResult result) => null;
    /// <summary>What a finished run writes besides report and checkpoint (the MLP's SciPy export).</summary>
    public virtual void Finish(ParseResult result, SetModel model, Data.Standardizer? scaling) { }
}

/// <summary>
/// A training run from the command line, fresh or resumed, the same for every model: options to a specification
/// (validated before any data are read, with the places it writes to), data, model, the run with its table, report and
/// checkpoints, and Ctrl+C or SIGTERM, which stop between two batches and save the checkpoint, so that nothing is lost.
/// </summary>
internal static class ModelRun
{
    public static int Execute(RunKind kind, ParseResult result)
    {
        string? resume = result.GetValue(kind.Options.Resume);
        return DistributedCli.Run(kind.Options, result, () => resume is null ? Fresh(kind, result) : Resume(kind, result, resume));
    }

    static int Fresh(RunKind kind, ParseResult result)
    {
        var o = kind.Options;
        var spec = kind.Spec(result, null);
        spec.Validate(); // before the data, which can take seconds to load
        var outputs = ForThisRank(o.Outputs(result, null));
        OutputTargets.Check(outputs, kind.ExportFolder(result));
        string name = result.GetValue(o.Dataset)!, standardize = kind.Standardization(result.GetValue(o.Standardize)!, spec);
        double validation = result.GetValue(o.Validation);
        var data = DataLoading.Load(name, result.GetValue(o.DataDir), spec.Seed, standardize, validation, o.Files.FileOptions(result), result.GetValue(o.Files.Test));
        spec = kind.WithData(spec, data.Splits, result);
        PrintData(data.Splits);
        using var model = kind.Create(spec, outputs.Device, result);
        Console.WriteLine(kind.Summary(model));
        Console.WriteLine($"created in {model.History.CreationSeconds:F2} s");
        var identity = outputs.Checkpoint is null ? null : DataLoading.Identity(data, name, spec.Seed, standardize, validation);
        return Train(kind, result, model, data, identity, outputs);
    }

    /// <summary>An allocation that failed, alone or in a parallel loop (which wraps it); null for anything else.</summary>
    static OutOfMemoryException? OutOfMemory(Exception e) => e switch
    {
        OutOfMemoryException oom => oom,
        AggregateException { InnerExceptions: [OutOfMemoryException oom, ..] } all when all.InnerExceptions.All(i => i is OutOfMemoryException) => oom,
        _ => null,
    };

    static int Resume(RunKind kind, ParseResult result, string path)
    {
        var o = kind.Options;
        var checkpoint = TrainingCheckpoint.Load(path);
        var saved = checkpoint.Spec;
        if (!kind.Holds(saved))
            throw new ArgumentException($"--resume {path}: the checkpoint holds a {ModelName(saved)}; continue it with `{CommandOf(saved)} --resume`");
        var identity = checkpoint.Data ?? throw new ArgumentException(
            $"--resume {path}: the file is a saved model without its data's identity; resume needs a run's checkpoint (--checkpoint)");
        var conflicts = ResumeCheck.Conflicts(saved, kind.Spec(result, saved));
        if (RunCommandOptions.IsGiven(result, o.Dataset) && result.GetValue(o.Dataset) != identity.Name)
            conflicts.Add($"--dataset: the checkpoint's run trains on {identity.Name}, the command line says {result.GetValue(o.Dataset)}");
        if (RunCommandOptions.IsGiven(result, o.Standardize) && kind.Standardization(result.GetValue(o.Standardize)!, saved) != identity.Standardization)
            conflicts.Add($"--standardize: the checkpoint has {identity.Standardization}, the command line {result.GetValue(o.Standardize)}");
        if (RunCommandOptions.IsGiven(result, o.Validation) && result.GetValue(o.Validation) != identity.ValidationFraction)
            conflicts.Add($"--validation: the checkpoint has {identity.ValidationFraction}, the command line {result.GetValue(o.Validation)}");
        if (conflicts.Count > 0)
            throw new ArgumentException($"--resume {path}: the command line disagrees with the checkpoint's run; leave these options out " +
                                        $"to continue with the checkpoint's specification:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", conflicts)}");
        var outputs = ForThisRank(o.Outputs(result, path));
        OutputTargets.Check(outputs, kind.ExportFolder(result));
        // The checkpoint keeps the data's name, not how its files were read: the file options and --test come from the
        // command line again, and the fingerprint below refuses data that differ.
        DataLoading.RunData Load(string standardize) => DataLoading.Load(identity.Name, result.GetValue(o.DataDir), saved.Seed, standardize,
                                                                          identity.ValidationFraction, o.Files.FileOptions(result), result.GetValue(o.Files.Test));
        IReadOnlyList<string> Differences(DataLoading.RunData candidate) =>
            identity.Differences(DataLoading.Identity(candidate, identity.Name, saved.Seed, identity.Standardization, identity.ValidationFraction));
        var data = Load(identity.Standardization);
        var differences = Differences(data);
        // `auto` is resolved from the data by today's rule; a checkpoint written under an earlier rule resumes with the
        // mode that gives its fingerprint.
        if (differences.Count > 0 && identity.Standardization == "auto")
            foreach (string mode in (string[])["per-feature", "global", "shared-scale"])
            {
                var candidate = Load(mode);
                if (Differences(candidate).Count > 0) continue;
                Console.WriteLine($"standardize: {mode} (the checkpoint's auto, as its run resolved it)");
                (data, differences) = (candidate, []);
                break;
            }
        if (differences.Count > 0)
            throw new ArgumentException($"--resume {path}: the data are not those the run trained on:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", differences)}");
        PrintData(data.Splits);
        var report = checkpoint.Report;
        string last = report.Epochs.Count > 0 ? $", {kind.Result(report)}" : "";
        Console.WriteLine($"resuming {Path.GetFullPath(path)}: {report.Epochs.Count} of {saved.Epochs} epochs done{last}");
        using var model = kind.Load(checkpoint, outputs.Device);
        Console.WriteLine(kind.Summary(model));
        if (checkpoint.IsComplete)
        {
            Console.WriteLine("the run is complete; nothing to train");
            if (DistributedCli.Writes) kind.Finish(result, model, data.Scaling);
            return 0;
        }
        return Train(kind, result, model, data, identity, outputs);
    }

    static int Train(RunKind kind, ParseResult result, SetModel model, DataLoading.RunData data, DataIdentity? identity, RunOutputs outputs)
    {
        Console.WriteLine($"engine: {model.Device} on {model.DeviceDescription}");
        var report = model.History;
        var table = kind.Table(report, data.Splits, outputs.Report);
        table.LastEpoch = Math.Min(report.Spec.Epochs, report.Epochs.Count + (outputs.StopAfter ?? report.Spec.Epochs));
        table.PrintHeader();
        var options = new FitOptions
        {
            Progress = TestFaults.Around(table),
            BatchProgress = DistributedCli.WithKillFault(table),
            Distributed = DistributedCli.Current,
            MaxEpochs = outputs.StopAfter,
            RecordInputConnectivity = kind.RecordInputConnectivity(result),
            Checkpoints = outputs.Checkpoint is null ? null : new CheckpointPolicy
            {
                Path = outputs.Checkpoint, EveryEpochs = outputs.CheckpointEvery, Data = identity, Scaling = data.Scaling, Saved = table,
            },
        };
        var interrupt = new RunInterruption();
        try { model.Fit(data.Splits, options, interrupt.Token); }
        catch (OperationCanceledException) when (interrupt.Requested)
        {
            Console.Error.WriteLine(outputs.Checkpoint is null
                ? $"interrupted ({interrupt.Signal}); nothing saved (give --checkpoint FILE to keep a run's state)"
                : $"interrupted ({interrupt.Signal}) in epoch {report.Epochs.Count + 1}; the checkpoint {Path.GetFullPath(outputs.Checkpoint)} " +
                  $"holds it: continue with --resume {outputs.Checkpoint}");
            return interrupt.ExitCode;
        }
        catch (TrainingDivergedException) when (outputs.Report is { } path)
        {
            report.Save(path); // so that the report says why it ends where it does
            throw;
        }
        catch (Exception caught) when (OutOfMemory(caught) is { } e)
        {
            // Saves are atomic: an allocation that fails during one leaves the previous checkpoint as it was.
            var saved = outputs.Checkpoint is { } path && File.Exists(path) ? TrainingCheckpoint.Load(path).EpochsCompleted : (int?)null;
            Console.Error.WriteLine($"error: out of memory during training ({e.Message.TrimEnd('.')}); " +
                                    (saved is { } done ? $"the checkpoint {Path.GetFullPath(outputs.Checkpoint!)} holds epoch {done}: continue with --resume {outputs.Checkpoint}"
                                                       : "no checkpoint was saved"));
            return 3;
        }
        finally { interrupt.Dispose(); }

        if (!report.IsComplete)
        {
            Console.WriteLine($"stopped after epoch {report.Epochs.Count} of {report.Spec.Epochs} (--stop-after); continue with --resume {outputs.Checkpoint}");
            if (outputs.Report is not null) Console.WriteLine($"report: {Path.GetFullPath(outputs.Report)}");
            return 0;
        }
        if (report.StoppedEarly)
            Console.WriteLine($"stopped early after epoch {report.Epochs.Count}: no better validation loss for {report.Spec.Patience} epochs");
        Console.WriteLine(kind.Result(report));
        if (report.BestEpoch is { } best)
            Console.WriteLine($"best epoch on validation: {best + 1} (validation loss {report.Epochs[best].Validation!.Loss:F5})");
        Console.WriteLine($"per epoch: {Median(report.Epochs.Select(e => e.TrainSeconds)):F3} s training (median), " +
                          $"{report.Epochs.Average(e => e.EvaluationSeconds):F3} s evaluation, {report.Epochs.Average(e => e.EvolutionSeconds):F3} s evolution");
        if (report.Epochs[^1].Communication is { } c)
            Console.WriteLine($"communication per epoch: {c.Averagings} averagings of {c.PayloadBytes / Math.Max(1, c.Averagings)} bytes " +
                              $"({c.PayloadBytes / 1e6:F2} MB per rank), {c.Seconds:F3} s in collectives (last epoch)");
        if (outputs.Report is not null) Console.WriteLine($"report: {Path.GetFullPath(outputs.Report)}");
        if (DistributedCli.Writes) kind.Finish(result, model, data.Scaling);
        return 0;
    }

    /// <summary>A rank other than 0 of a distributed run writes no report (rank 0 does; checkpoints are left to the run loop).</summary>
    static RunOutputs ForThisRank(RunOutputs outputs) =>
        outputs with { Device = DistributedCli.DeviceFor(outputs.Device), Report = DistributedCli.Writes ? outputs.Report : null };

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }

    static void PrintData(TrainingData data) =>
        Console.WriteLine($"data: {data.Train.Name}: {data.Train.Samples} train" +
                          (data.Validation is { } v ? $" / {v.Samples} validation" : "") +
                          (data.Test is { } t ? $" / {t.Samples} test" : "") + $" samples, {data.Train.FeatureCount} features, {data.Train.Classes} classes");

    static string ModelName(SetSpec spec) => spec switch
    {
        SetRbmSpec => "SET-RBM", SetMlpSpec { Target: TrainingTarget.Inputs } => "SET-DAE (autoencoder)", _ => "SET-MLP",
    };

    static string CommandOf(SetSpec spec) => spec switch
    {
        SetRbmSpec => "rbm", SetMlpSpec { Target: TrainingTarget.Inputs } => "autoencoder", _ => "train",
    };
}
