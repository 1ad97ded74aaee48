using System.Diagnostics;
using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Training;

// Times whole epochs (training and evolution) of a SET-MLP on random data of a given shape with the CPU engine.
// usage: SetGpu.Bench LAYERS SAMPLES BATCH [EPOCHS [ENGINE]]   e.g.  1024,1000,1000,1000,20 960 2 3 cpu
//        SetGpu.Bench kernels NEURONS EPSILON BATCH REPS   (per-kernel times against the bandwidth model)
if (args.Length > 0 && args[0] == "kernels")
{
    SetGpu.Bench.KernelTimes.Run(int.Parse(args[1]), int.Parse(args[1]), double.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]));
    return;
}
var layers = (args.Length > 0 ? args[0] : "1024,1000,1000,1000,20").Split(',').Select(int.Parse).ToArray();
int samples = args.Length > 1 ? int.Parse(args[1]) : 960;
int batch = args.Length > 2 ? int.Parse(args[2]) : 2;
int epochs = args.Length > 3 ? int.Parse(args[3]) : 3;
string engineName = args.Length > 4 ? args[4] : "cpu";

var rng = new Random(1);
int features = layers[0], classes = layers[^1];
var x = new float[(long)samples * features];
for (long i = 0; i < x.LongLength; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
var data = new Dataset("random", x, Enumerable.Range(0, samples).Select(i => i % classes).ToArray(), features, classes);

var model = new SetMlpOptions { LayerSizes = layers, OutputActivation = OutputActivation.Sigmoid, Loss = LossKind.Mse, Epsilon = 20 };
var training = new TrainingOptions { BatchSize = batch, LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 0.0002f };
var clock = Stopwatch.StartNew();
var network = SparseNetwork.Create(model, 1);
Console.WriteLine($"{network.Connections:N0} connections, created in {clock.Elapsed.TotalSeconds:F3} s");
using SetGpu.Training.ISetEngine engine = engineName == "cpu" ? new CpuEngine(network, training) : new SetGpu.Gpu.IlgpuEngine(network, training, engineName);
Console.WriteLine($"engine {engine.Name}: {engine.Device}");
engine.SetTrainingData(data);
for (int epoch = 0; epoch < epochs; epoch++)
{
    var order = SetTrainer.ShuffledOrder(samples, 1, epoch);
    clock.Restart();
    engine.TrainEpoch(order, epoch * 1000000L);
    double train = clock.Elapsed.TotalSeconds;
    clock.Restart();
    engine.Evolve(epoch);
    double evolve = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"epoch {epoch + 1}: train {train:F3} s, evolve {evolve:F3} s");
}
