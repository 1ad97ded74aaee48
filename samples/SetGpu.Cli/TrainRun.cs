using System.Diagnostics;
using SetGpu.Checkpoints;
using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.Export;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>Runs a training from the start or from a checkpoint, printing a table and writing what was asked for.</summary>
internal static class TrainRun
{
    /// <summary>Where the results go: engine, report, checkpoint (with its interval) and export folder.</summary>
    public sealed record Outputs(string Engine, string? Report, string? Checkpoint, int CheckpointEvery, int? StopAfter, string? Export);

    public static int Fresh(DatasetSplit data, Standardizer? scaling, Lazy<DataIdentity> identity, SetMlpOptions model,
                            TrainingOptions training, Outputs outputs)
    {
        model.Validate();
        training.Validate(data.Train.Samples);
        PrintData(data);

        var clock = Stopwatch.StartNew();
        var network = SparseNetwork.Create(model, training.Seed);
        double creationSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(network.Summary());
        Console.WriteLine($"created in {creationSeconds:F2} s");

        using var engine = SetEngines.Create(outputs.Engine, network, training);
        Console.WriteLine($"engine: {engine.Name} on {engine.Device}");
        var report = new TrainingReport
        {
            Engine = engine.Name,
            Device = engine.Device,
            Dataset = data.Train.Name,
            TrainSamples = data.Train.Samples,
            TestSamples = data.Test.Samples,
            Model = model,
            Training = training,
            InitialConnections = network.Connections,
            CreationSeconds = creationSeconds,
            ImageShape = data.Train.ImageShape is { } s ? [s.Height, s.Width] : null,
            ImagePixelOrder = data.Train.PixelOrder,
        };
        return Train(engine, data, scaling, identity, report, outputs);
    }

    public static int Resume(TrainingCheckpoint checkpoint, string path, DatasetSplit data, Standardizer? scaling,
                             DataIdentity identity, Outputs outputs)
    {
        var saved = checkpoint.Report;
        PrintData(data);
        Console.WriteLine(checkpoint.Network.Summary());
        Console.WriteLine($"resuming {Path.GetFullPath(path)}: {checkpoint.EpochsCompleted} of {saved.Training.Epochs} epochs done" +
                          (saved.Epochs.Count > 0 ? $", test accuracy {saved.Epochs[^1].TestAccuracy:P2}" : ""));
        if (checkpoint.IsComplete)
        {
            Console.WriteLine("the run is complete; nothing to train");
            if (outputs.Export is not null) Export(checkpoint.Network, checkpoint.Scaling, outputs.Export);
            return 0;
        }
        using var engine = SetEngines.Create(outputs.Engine, checkpoint.Network, saved.Training);
        Console.WriteLine($"engine: {engine.Name} on {engine.Device}");
        // The records so far come with the checkpoint; the engine is the one that trains from here on.
        var report = saved with { Engine = engine.Name, Device = engine.Device, Epochs = [.. saved.Epochs] };
        return Train(engine, data, scaling, new Lazy<DataIdentity>(identity), report, outputs);
    }

    static int Train(ISetEngine engine, DatasetSplit data, Standardizer? scaling, Lazy<DataIdentity> identity,
                     TrainingReport report, Outputs outputs)
    {
        var training = report.Training;
        ConsoleProgress.PrintHeader();
        ITrainingObserver observer = new ConsoleProgress(training.Epochs);
        if (outputs.Report is not null) observer = new SavingObserver(observer, report, outputs.Report);
        if (outputs.Checkpoint is null)
            SetTrainer.Train(engine, data, training, report, observer, firstEpoch: report.Epochs.Count);
        else
            CheckpointingTrainer.Train(engine, data, report, new CheckpointOptions { Path = outputs.Checkpoint, EveryEpochs = outputs.CheckpointEvery },
                                       identity.Value, scaling, observer, report.Epochs.Count + outputs.StopAfter);
        if (report.Epochs.Count < training.Epochs)
        {
            Console.WriteLine($"stopped after epoch {report.Epochs.Count} of {training.Epochs} (--stop-after); continue with --resume {outputs.Checkpoint}");
            if (outputs.Report is not null) Console.WriteLine($"report: {Path.GetFullPath(outputs.Report)}");
            return 0;
        }

        var last = report.Epochs[^1];
        var best = report.Epochs.MaxBy(e => e.TestAccuracy)!;
        Console.WriteLine($"final test accuracy {last.TestAccuracy:P2} (best {best.TestAccuracy:P2} at epoch {best.Epoch + 1}); " +
                          $"mean {report.Epochs.Average(e => e.TrainSeconds):F3} s training + {report.Epochs.Average(e => e.EvolutionSeconds):F3} s evolution per epoch");
        if (outputs.Report is not null) Console.WriteLine($"report: {Path.GetFullPath(outputs.Report)}");
        if (outputs.Export is not null) Export(engine.Export(), scaling, outputs.Export);
        return 0;
    }

    static void Export(SparseNetwork network, Standardizer? scaling, string folder)
    {
        var files = SciPyExport.Write(network, folder, scaling);
        Console.WriteLine($"exported {files.Count} files to {Path.GetFullPath(folder)} (SciPy .npz weights, .npy biases)");
    }

    static void PrintData(DatasetSplit data) =>
        Console.WriteLine($"data: {data.Train.Name}: {data.Train.Samples} train / {data.Test.Samples} test samples, {data.Train.FeatureCount} features, {data.Train.Classes} classes");

    /// <summary>Rewrites the report after every epoch, so a long run's records survive an interruption.</summary>
    sealed class SavingObserver(ITrainingObserver inner, TrainingReport report, string path) : ITrainingObserver
    {
        public void OnBatch(int epoch, int done, int total) => inner.OnBatch(epoch, done, total);
        public void OnEpoch(EpochRecord record)
        {
            inner.OnEpoch(record);
            report.Save(path);
        }
        public void OnCheckpoint(string checkpoint, int epochs, long bytes, double seconds) => inner.OnCheckpoint(checkpoint, epochs, bytes, seconds);
    }
}
