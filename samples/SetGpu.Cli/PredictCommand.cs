using System.CommandLine;
using System.Globalization;
using System.Text;
using SetGpu.Checkpoints;
using SetGpu.Data;

namespace SetGpu.Cli;

/// <summary>
/// <c>predict</c>: a trained network from a checkpoint on a dataset split: accuracy on stdout, and per sample the label,
/// the predicted class and the outputs in a CSV file. The data are read as the run read them (same split seed) and
/// standardised with the statistics kept in the checkpoint.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "The checkpoint whose network predicts", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = "Catalog name or data file (default: the checkpoint's dataset)" };
        var files = new DataFileCliOptions();
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder laid out like shared/data, searched first" };
        var split = new Option<string>("--split") { Description = "test, train or all", DefaultValueFactory = _ => "test" };
        var engine = new Option<string>("--engine", "--device") { Description = $"Device: {Device.Forms}", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string?>("--out") { Description = "Write sample, label, predicted class and outputs to this CSV file" };
        var command = new Command("predict", "Predict with a trained network from a checkpoint") { checkpoint, dataset, dataDir, split, engine, output };
        foreach (var option in files.All) command.Options.Add(option);
        command.SetAction(r => CliErrors.Run(() => Run(r.GetValue(checkpoint)!, r.GetValue(dataset), r.GetValue(dataDir),
                                                      r.GetValue(split)!, r.GetValue(engine)!, r.GetValue(output),
                                                      files.FileOptions(r), r.GetValue(files.Test))));
        return command;
    }

    static int Run(string checkpointPath, string? datasetName, string? dataDir, string split, string engineName, string? csvPath,
                   DataFileOptions fileOptions, string? test)
    {
        if (split is not ("test" or "train" or "all")) throw new ArgumentException($"--split: '{split}' is not test, train or all");
        var device = Device.Parse(engineName);
        var loaded = TrainingCheckpoint.Load(checkpointPath);
        if (loaded.Network is null) throw new ArgumentException($"{checkpointPath}: holds a SET-RBM; predict runs SET-MLP classifiers");
        string name = datasetName ?? loaded.Data?.Name
            ?? throw new ArgumentException($"{checkpointPath}: a saved model without its data's identity; give --dataset");
        var raw = DataLoading.LoadRaw(name, dataDir, (ulong)(uint)(loaded.Data?.SplitSeed ?? DataLoading.SplitSeed(loaded.Spec.Seed)),
                                      fileOptions, test);
        // The checkpoint keeps the data's name, not --test: a run's own test file, forgotten here, would make the "test"
        // split a part of the training file, which the network has seen.
        if (loaded.Data is { } identity && identity.Name == name
            && (raw.Train.Samples != identity.TrainSamples || raw.Test.Samples != identity.TestSamples))
            throw new ArgumentException($"--dataset {name}: splits into {raw.Train.Samples} train / {raw.Test.Samples} test samples, but the run's " +
                                        $"were {identity.TrainSamples} / {identity.TestSamples}: give --test and the file options as the run did");
        var data = split switch
        {
            "train" => raw.Train,
            "test" => raw.Test,
            _ => Concat(raw.Train, raw.Test),
        };
        using var predictor = new SetPredictor(loaded, device);
        Console.WriteLine($"network: {checkpointPath}, {loaded.EpochsCompleted} of {loaded.Spec.Epochs} epochs trained; engine {predictor.Model.Device} on {predictor.Model.DeviceDescription}");
        var prediction = predictor.Predict(data);
        var outputs = prediction.Values;
        var classes = prediction.Classes();
        int correct = 0;
        for (int s = 0; s < classes.Length; s++) if (classes[s] == data.Labels[s]) correct++;
        Console.WriteLine($"{name} ({split}): {data.Samples} samples, accuracy {correct / (double)data.Samples:P2} ({correct} correct)");
        if (csvPath is not null)
        {
            WriteCsv(csvPath, data, classes, outputs, predictor.Outputs);
            Console.WriteLine($"predictions: {Path.GetFullPath(csvPath)}");
        }
        return 0;
    }

    static Dataset Concat(Dataset a, Dataset b) =>
        new($"{a.Name} (train + test)", [.. a.Features, .. b.Features], [.. a.Labels, .. b.Labels], a.FeatureCount,
            Math.Max(a.Classes, b.Classes), a.ImageShape, a.PixelOrder);

    static void WriteCsv(string path, Dataset data, int[] classes, float[] outputs, int k)
    {
        var text = new StringBuilder();
        text.Append("sample,label,predicted");
        for (int j = 0; j < k; j++) text.Append(",output_").Append(j);
        text.AppendLine();
        for (int s = 0; s < classes.Length; s++)
        {
            text.Append(s).Append(',').Append(data.Labels[s]).Append(',').Append(classes[s]);
            for (int j = 0; j < k; j++) text.Append(',').Append(outputs[(long)s * k + j].ToString("R", CultureInfo.InvariantCulture));
            text.AppendLine();
        }
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text.ToString());
    }
}
