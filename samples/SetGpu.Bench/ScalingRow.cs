using System.Diagnostics;
using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.Gpu;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Bench;

/// <summary>One measured row of the scaling table: a 3312-H-H-H-5 SET-MLP on the reference's lung-shaped data with its settings.</summary>
internal sealed record RowResult
{
    public required string Engine { get; init; }
    public required string Device { get; init; }
    public required int Neurons { get; init; }
    public required int Batch { get; init; }
    public required int TrainSamples { get; init; }
    /// <summary>How many times the lung data's class sizes the data holds (1: the lung shape, 135 training samples).</summary>
    public required int DataScale { get; init; }
    public required long Connections { get; init; }
    public required double CreateSeconds { get; init; }
    /// <summary>Medians over the measured epochs (the first epoch is a warm-up when more than one ran).</summary>
    public required double TrainSeconds { get; init; }
    public required double EvolutionSeconds { get; init; }
    public required double TestSeconds { get; init; }
    public required double TestAccuracy { get; init; }
    /// <summary>The test split's majority-class rate: the accuracy of a network that learned nothing.</summary>
    public double MajorityRate { get; init; }
    public int TestSamples { get; init; }
    /// <summary>Resident bytes before the network existed (runtime, data).</summary>
    public required long BaselineBytes { get; init; }
    /// <summary>Resident bytes after a training epoch, garbage collected: the network as it trains.</summary>
    public required long TrainingBytes { get; init; }
    public required long PeakCreationBytes { get; init; }
    public required long PeakTrainingBytes { get; init; }
    public required long PeakEvolutionBytes { get; init; }
    /// <summary>The most resident bytes while the test split was evaluated.</summary>
    public long PeakEvaluationBytes { get; init; }
    /// <summary>What the memory check estimated before the network existed (<see cref="NetworkMemory"/>, CPU engine
    /// only): the network as it trains, and the peak of all phases; both less the baseline.</summary>
    public long EstimatedTrainingBytes { get; init; }
    public long EstimatedPeakBytes { get; init; }

    public double TrainingBytesPerConnection => (TrainingBytes - BaselineBytes) / (double)Connections;
    public double PeakBytesPerConnection => (PeakBytes - BaselineBytes) / (double)Connections;
    /// <summary>The most resident bytes of every phase (creation, training, evaluation, evolution).</summary>
    public long PeakBytes => Math.Max(Math.Max(PeakCreationBytes, PeakTrainingBytes), Math.Max(PeakEvaluationBytes, PeakEvolutionBytes));
    public double EvolutionPeakBytesPerConnection => (PeakEvolutionBytes - BaselineBytes) / (double)Connections;
    public double EpochSeconds => TrainSeconds + EvolutionSeconds;
    /// <summary>Whether the network learned: its test accuracy is above the majority-class rate by more than half a sample.</summary>
    public bool Learned => TestAccuracy > MajorityRate + 0.5 / Math.Max(1, TestSamples);
}

internal static class ScalingRow
{
    /// <summary>
    /// The SET reference's lung-shaped data (<see cref="SyntheticData.LungReferenceStyle"/>: 203 samples; <paramref name="scale"/>
    /// multiplies the class sizes for batch sweeps), standardised per feature. Networks learn them, so the rows time
    /// networks that learn.
    /// </summary>
    public static DatasetSplit LungData(int scale) =>
        Standardizer.FitTransform(DatasetSplits.Stratified(SyntheticData.LungReferenceStyle(seed: 1, scale), DatasetSplits.DefaultTrainFraction, seed: 1));

    /// <summary>
    /// The reference's lung settings: ReLU, sigmoid output with the reference's MSE δ, N(0,1)/10 initial weights,
    /// ε = 20, ζ = 0.3, lr 0.01, momentum 0.9, decay 0.0002.
    /// </summary>
    public static SetMlpSpec ReferenceSettings(int neurons, int batch, int epochs) => new()
    {
        LayerSizes = [3312, neurons, neurons, neurons, 5], HiddenActivation = HiddenActivation.Relu,
        OutputActivation = OutputActivation.Sigmoid, Loss = LossKind.MseReference, Epsilon = 20, Zeta = 0.3,
        WeightInit = WeightInitKind.ReferenceNormal, Epochs = epochs, BatchSize = batch, Seed = 1,
        Optimizer = new Sgd { LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 0.0002f },
    };

    /// <summary>The engine of a device (as the command line names it) holding <paramref name="network"/>.</summary>
    public static IMlpEngine CreateEngine(string device, SparseNetwork network) => SetEngines.CreateMlp(network, Device.Parse(device));

    /// <summary>Creates, trains and evolves the network for <paramref name="epochs"/> epochs, measuring each phase.</summary>
    public static RowResult Measure(string engineName, int neurons, int batch, int epochs, int dataScale)
    {
        var data = LungData(dataScale);
        var spec = ReferenceSettings(neurons, batch, epochs);
        long baseline = ProcessMemory.ResidentAfterCollect();
        var estimate = engineName == "cpu" ? NetworkMemory.ForCpu(spec) : default;
        if (engineName == "cpu")
        {
            MemoryCheck.EnsureCpu(spec, MaxMemory);
            Console.Error.WriteLine($"  estimate: training {estimate.Training / 1e9:F2} GB, peak {estimate.Peak / 1e9:F2} GB ({estimate.PeakPhase})");
        }

        ProcessMemory.ResetPeak();
        var clock = Stopwatch.StartNew();
        var network = SparseNetwork.Create(spec);
        double create = clock.Elapsed.TotalSeconds;
        long peakCreate = ProcessMemory.Peak();
        Console.Error.WriteLine($"  {neurons:N0} neurons per layer, {engineName}: {network.Connections:N0} connections created in {create:F2} s");

        using var engine = CreateEngine(engineName, network);
        engine.SetTrainingData(data.Train);
        var train = new List<double>();
        var evolve = new List<double>();
        var test = new List<double>();
        long trainingBytes = 0, peakTrain = 0, peakEvolve = 0, peakEvaluate = 0;
        double accuracy = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            ProcessMemory.ResetPeak();
            clock.Restart();
            engine.TrainBatches(SampleOrder.Shuffled(data.Train.Samples, spec.Seed, epoch), default, epoch * 1_000_000L, spec.StepAt(epoch));
            train.Add(clock.Elapsed.TotalSeconds);
            peakTrain = Math.Max(peakTrain, ProcessMemory.Peak());
            trainingBytes = Math.Max(trainingBytes, ProcessMemory.ResidentAfterCollect());

            ProcessMemory.ResetPeak();
            clock.Restart();
            accuracy = engine.Evaluate(data.Test).Accuracy;
            test.Add(clock.Elapsed.TotalSeconds);
            peakEvaluate = Math.Max(peakEvaluate, ProcessMemory.Peak());

            ProcessMemory.ResetPeak();
            clock.Restart();
            engine.Evolve(epoch, spec.Zeta);
            evolve.Add(clock.Elapsed.TotalSeconds);
            peakEvolve = Math.Max(peakEvolve, ProcessMemory.Peak());
            Console.Error.WriteLine($"    epoch {epoch + 1}: train {train[^1]:F3} s, test {test[^1]:F3} s (accuracy {accuracy:P2}), evolution {evolve[^1]:F3} s");
        }
        return new RowResult
        {
            Engine = engineName, Device = engine.Device, Neurons = neurons, Batch = batch, TrainSamples = data.Train.Samples, DataScale = dataScale,
            Connections = engine.LayerConnections.Sum(c => (long)c), CreateSeconds = create,
            TrainSeconds = Median(train), EvolutionSeconds = Median(evolve), TestSeconds = Median(test), TestAccuracy = accuracy,
            MajorityRate = LearningHealth.MajorityRate(data.Test.Labels), TestSamples = data.Test.Samples,
            BaselineBytes = baseline, TrainingBytes = trainingBytes, PeakCreationBytes = peakCreate,
            PeakTrainingBytes = peakTrain, PeakEvolutionBytes = peakEvolve, PeakEvaluationBytes = peakEvaluate,
            EstimatedTrainingBytes = estimate.Training, EstimatedPeakBytes = estimate.Peak,
        };
    }

    /// <summary>The limit the memory check compares with (null: the memory available); the `--max-memory` option.</summary>
    public static long? MaxMemory { get; set; }

    /// <summary>Median of the epochs after the first (a warm-up) when there are several.</summary>
    static double Median(List<double> values) => Statistics.Median(values.Count > 1 ? values.Skip(1) : values);
}
