using System.CommandLine;
using SetGpu.Checkpoints;
using SetGpu.Export;

namespace SetGpu.Cli;

/// <summary><c>export</c>: a checkpoint's network as SciPy sparse .npz weights and .npy biases, one pair per layer.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "The checkpoint to export", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for layerL_weights.npz, layerL_bias.npy, input_mean.npy, input_std.npy and network.json", Required = true };
        var command = new Command("export", "Write a checkpoint's layers as SciPy sparse .npz and NumPy .npy files") { checkpoint, output };
        command.SetAction(r => CliErrors.Run(() =>
        {
            string path = r.GetValue(checkpoint)!;
            var loaded = TrainingCheckpoint.Load(path);
            var network = loaded.Network ?? throw new ArgumentException($"{path}: holds a SET-RBM; export writes SET-MLP layers");
            var files = SciPyExport.Write(network, r.GetValue(output)!, loaded.Scaling);
            foreach (var file in files) Console.WriteLine(file);
            return 0;
        }));
        return command;
    }
}
