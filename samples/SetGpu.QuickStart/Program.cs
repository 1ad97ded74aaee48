// The README's C# quick start, as CI builds and runs it (a test keeps the two identical).
using SetGpu;
using SetGpu.Data;
using SetGpu.Training;

// The embedded synthetic dataset (no download), standardised with its training split's statistics;
// 10 % of the training split is held out: validation chooses, the test split only reports.
var split = Standardizer.FitTransform(new DatasetCatalog().Load("synthetic", seed: 1));
var data = TrainingData.From(split, validationFraction: 0.1);

var spec = new SetMlpSpec
{
    LayerSizes = [split.Train.FeatureCount, 1000, 1000, split.Train.Classes],
    Epsilon = 20,                                      // ε·(n_in + n_out) connections per layer
    Zeta = 0.3,                                        // fraction of each sign rewired after every epoch
    Epochs = 10,
    Optimizer = new Sgd { LearningRate = 0.01f, Momentum = 0.9f },
};
using var model = SetMlp.Create(spec, Device.Auto);   // a CUDA or OpenCL GPU if present, else the CPU engine
var history = model.Fit(data);
foreach (var epoch in history.Epochs)
    Console.WriteLine($"epoch {epoch.Epoch + 1}: validation accuracy {epoch.Validation!.Accuracy:P1}, {epoch.Connections:N0} connections");

Prediction outputs = model.Predict(split.Test);        // samples × classes
double accuracy = model.Evaluate(split.Test).Accuracy;
Console.WriteLine($"{model.Device}: test accuracy {accuracy:P2}, best epoch {history.BestEpoch + 1}, {outputs.Samples} predictions");

model.Save("quickstart.setgpu");                       // the network, its optimiser state and its history
using var loaded = SetMlp.Load("quickstart.setgpu", Device.Cpu);
return accuracy > 2.0 / split.Train.Classes ? 0 : 1;   // exit 1 unless well above chance
