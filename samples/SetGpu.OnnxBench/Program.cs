using SetGpu.OnnxBench;

// Exported ONNX models in ONNX Runtime 1.31 (CPU, every graph optimisation on) against SetGpu's CPU engine:
//   throughput [--layers 1024,1000,1000,1000,20] [--epsilon 20] [--batches 1,256] [--seconds 3]
//       samples per second of SetMlp.Predict, ORT on the sparse export and ORT on the dense export (--onnx-dense), at
//       each batch size, on a network of the COIL20 reference shape; prints the model file sizes too
//   memory [--layers 10000,500000,500000,10] [--epsilon 20] [--batch 1]
//       ONNX Runtime's peak resident memory loading and running the sparse export of a large network, against the size
//       of its layers dense
//   parity [--layers 784,300,300,10] [--samples 500]
//       the largest difference between ONNX Runtime's outputs and SetGpu's Predict per hidden activation, output kind
//       and layer form
//   profile [--layers 1024,1000,1000,1000,20] [--batch 256] [--form sparse|dense]
//       ONNX Runtime's own profile of 20 runs: the time of each operator kind a run
string command = args.FirstOrDefault() ?? "";
var options = args.Skip(1).Chunk(2).Where(p => p.Length == 2 && p[0].StartsWith("--", StringComparison.Ordinal))
                  .ToDictionary(p => p[0][2..], p => p[1]);
int[] Ints(string name, string fallback) => options.GetValueOrDefault(name, fallback).Split(',').Select(int.Parse).ToArray();
double Number(string name, string fallback) => double.Parse(options.GetValueOrDefault(name, fallback), System.Globalization.CultureInfo.InvariantCulture);

switch (command)
{
    case "throughput":
        Throughput.Run(Ints("layers", "1024,1000,1000,1000,20"), Number("epsilon", "20"), Ints("batches", "1,256"), Number("seconds", "3"));
        return 0;
    case "memory":
        MemoryPeak.Run(Ints("layers", "10000,500000,500000,10"), Number("epsilon", "20"), (int)Number("batch", "1"));
        return 0;
    case "parity":
        Parity.Run(Ints("layers", "784,300,300,10"), (int)Number("samples", "500"));
        return 0;
    case "profile":
        Profile.Run(Ints("layers", "1024,1000,1000,1000,20"), Number("epsilon", "20"), (int)Number("batch", "256"), Enum.Parse<SetGpu.Export.OnnxLayerForm>(options.GetValueOrDefault("form", "sparse"), ignoreCase: true));
        return 0;
    default:
        Console.Error.WriteLine("usage: SetGpu.OnnxBench throughput|memory|parity|profile [options]  (see samples/SetGpu.OnnxBench/Program.cs)");
        return 2;
}
