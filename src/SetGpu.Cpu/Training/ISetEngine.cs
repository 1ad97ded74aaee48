using SetGpu.Data;
using SetGpu.Evolution;
using SetGpu.Model;

namespace SetGpu.Training;

/// <summary>Loss and accuracy of a network on a dataset.</summary>
/// <param name="Loss">Mean loss per sample.</param>
/// <param name="Accuracy">Fraction of samples whose largest output is the label.</param>
/// <param name="Samples">Samples evaluated.</param>
public readonly record struct Evaluation(double Loss, double Accuracy, int Samples);

/// <summary>
/// What a network on a device can do: train an epoch, evaluate, evolve, export. The trainer, the command line
/// and the samples drive every engine through this interface alone. An engine is made for one network and owns
/// its state on the device until disposed.
/// </summary>
public interface ISetEngine : IDisposable
{
    /// <summary>Engine name as on the command line (cpu, ilgpu-cpu, opencl, cuda).</summary>
    string Name { get; }
    /// <summary>The device it runs on, in words (printed and written to reports).</summary>
    string Device { get; }

    /// <summary>The step size of the following training steps (starts at the options' learning rate; the trainer sets it
    /// every epoch). The weight decay follows it in proportion (<see cref="TrainingOptions.AtLearningRate"/>).</summary>
    float LearningRate { get; set; }

    /// <summary>Makes <paramref name="train"/> the data of the following <see cref="TrainEpoch"/> calls (uploaded once).</summary>
    void SetTrainingData(Dataset train);

    /// <summary>
    /// One pass of mini-batch SGD over the training samples in the given order (the last batch may be short).
    /// <paramref name="step"/> is the number of batches trained before this epoch (it keys dropout masks).
    /// Returns the mean training loss, measured on the fly with dropout active.
    /// </summary>
    double TrainEpoch(ReadOnlySpan<int> order, long step, Action<int, int>? batchProgress = null);

    /// <summary>Loss and accuracy on <paramref name="data"/>, without dropout.</summary>
    Evaluation Evaluate(Dataset data);

    /// <summary>The network's outputs (samples × outputs, row-major) for <paramref name="data"/>.</summary>
    float[] Predict(Dataset data);

    /// <summary>
    /// SET's evolution step on every evolving layer; <paramref name="epoch"/> keys the random streams and
    /// <paramref name="zeta"/> (default: the network's ζ) is the fraction of each sign rewired.
    /// </summary>
    IReadOnlyList<LayerEvolution> Evolve(int epoch, double? zeta = null);

    /// <summary>Connections per layer now (cheap: no copy of the network).</summary>
    IReadOnlyList<int> LayerConnections { get; }

    /// <summary>
    /// Connections of every input neuron of weight layer <paramref name="layer"/> now: the CSR row lengths, one per
    /// input neuron (cheap: reads the row offsets only, no copy of the weights).
    /// </summary>
    int[] ConnectionsPerInput(int layer);

    /// <summary>A host copy of the current state.</summary>
    SparseNetwork Export();
}
