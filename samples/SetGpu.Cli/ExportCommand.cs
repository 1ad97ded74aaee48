using System.CommandLine;
using SetGpu.Checkpoints;
using SetGpu.Export;

namespace SetGpu.Cli;

/// <summary>
/// <c>export</c>: a checkpoint's network as SciPy sparse .npz weights and .npy biases (one pair per layer), or as an
/// ONNX model that stays sparse (<c>--format onnx</c>; dense MatMul layers with <c>--onnx-dense</c>).
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "The checkpoint to export", Required = true };
        var output = new Option<string>("--out")
        {
            Description = "scipy: folder for layerL_weights.npz, layerL_bias.npy, input_mean.npy, input_std.npy and network.json; "
                          + "onnx: the .onnx file (network.onnx inside it when it names a folder)",
            Required = true,
        };
        var format = new Option<string>("--format") { Description = "scipy or onnx", DefaultValueFactory = _ => "scipy" };
        var dense = new Option<bool>("--onnx-dense") { Description = "ONNX layers as dense MatMul (faster for small networks; inputs × outputs weights per layer)" };
        var command = new Command("export", "Write a checkpoint's network as SciPy sparse .npz and NumPy .npy files, or as an ONNX model")
        {
            checkpoint, output, format, dense,
        };
        command.SetAction(r => CliErrors.Run(() =>
        {
            string kind = r.GetValue(format)!.Trim().ToLowerInvariant();
            if (kind is not ("scipy" or "onnx"))
                throw new ArgumentException($"--format: '{r.GetValue(format)}' is not a format; use scipy or onnx");
            if (r.GetValue(dense) && kind != "onnx")
                throw new ArgumentException("--onnx-dense: only with --format onnx");
            string path = r.GetValue(checkpoint)!;
            var loaded = TrainingCheckpoint.Load(path);
            var network = loaded.Network ?? throw new ArgumentException($"{path}: holds a SET-RBM; export writes SET-MLP layers");
            string target = r.GetValue(output)!;
            IReadOnlyList<string> files;
            try
            {
                files = kind == "scipy"
                    ? SciPyExport.Write(network, target, loaded.Scaling)
                    : OnnxExport.Write(network, Directory.Exists(target) ? Path.Combine(target, "network.onnx") : target, loaded.Scaling,
                                       r.GetValue(dense) ? OnnxLayerForm.Dense : OnnxLayerForm.Sparse);
            }
            catch (UnauthorizedAccessException e)
            {
                // Not one of the errors CliErrors turns into a line: a read-only target is the user's to fix.
                throw new ArgumentException($"--out {target}: {e.Message}", e);
            }
            foreach (var file in files) Console.WriteLine(file);
            return 0;
        }));
        return command;
    }
}
