using SetGpu.Data;
using SetGpu.Evolution;
using SetGpu.Model;

namespace SetGpu.Training;

/// <summary>Where a slice of an epoch's training begins or ended.</summary>
/// <param name="Batch">The next batch of the epoch (0-based); the epoch is done when it reaches the epoch's batch count.</param>
/// <param name="LossSum">
/// The epoch's training loss so far, summed over its samples (and, for the RBM, its visible units) in sample order: a
/// left fold, so a slice that continues from it gives the same sum, bit for bit, as the whole epoch in one slice.
/// </param>
public readonly record struct EpochPosition(int Batch, double LossSum);

/// <summary>A batch finished: <paramref name="Batch"/> of <paramref name="Batches"/> in epoch <paramref name="Epoch"/> (1-based counts).</summary>
public readonly record struct BatchProgress(int Epoch, int Batch, int Batches);

/// <summary>
/// What every SET engine can do, whatever the model: train slices of an epoch, evolve, count connections. The run loop
/// drives engines through this interface alone; each model adds its evaluation and export (<see cref="IMlpEngine"/>,
/// <c>IRbmEngine</c>). An engine is made for one network and owns its state on the device until disposed.
/// </summary>
public interface ISetEngine : IDisposable
{
    /// <summary>The device it runs on, as the command line names it (<c>cpu</c>, <c>ilgpu-cpu</c>, <c>opencl:0</c>, <c>cuda:0</c>).</summary>
    string Name { get; }
    /// <summary>The device, in words (printed and written to reports).</summary>
    string Device { get; }
    /// <summary>Loss terms per sample in <see cref="EpochPosition.LossSum"/>: 1 for the MLP, the visible units for the RBM.</summary>
    int LossTermsPerSample { get; }

    /// <summary>Makes <paramref name="train"/> the data of the following <see cref="TrainBatches"/> calls (uploaded once).</summary>
    void SetTrainingData(Dataset train);

    /// <summary>
    /// Trains batches <paramref name="from"/>.Batch, … of the epoch whose sample order is <paramref name="order"/> (the
    /// last batch may be short), at the given step sizes. Batch b of the epoch is training step
    /// <paramref name="firstStep"/> + b (the step keys dropout masks and sampled states). Stops between two batches once
    /// <paramref name="cancellation"/> is cancelled, with the state of a completed batch. Returns where it stopped.
    /// </summary>
    EpochPosition TrainBatches(ReadOnlySpan<int> order, EpochPosition from, long firstStep, StepSize step,
                               CancellationToken cancellation = default, Action<int>? batchDone = null);

    /// <summary>
    /// SET's evolution step on every evolving layer: prune the fraction <paramref name="zeta"/> of each sign closest to
    /// zero, then, when <paramref name="regrow"/>, as many connections at random empty positions. <paramref name="epoch"/>
    /// keys the random streams.
    /// </summary>
    IReadOnlyList<LayerEvolution> Evolve(int epoch, double zeta, bool regrow = true);

    /// <summary>Connections per weight layer now (cheap: no copy of the network).</summary>
    IReadOnlyList<int> LayerConnections { get; }

    /// <summary>
    /// Connections of every input neuron of weight layer <paramref name="layer"/> now: the CSR row lengths (cheap: reads the
    /// row offsets only).
    /// </summary>
    int[] ConnectionsPerInput(int layer);
}

/// <summary>Loss and accuracy of a network on a dataset.</summary>
/// <param name="Loss">Mean loss per sample (an autoencoder's: the mean squared error per input, (y − x)²).</param>
/// <param name="Accuracy">Fraction of samples whose largest output is the label.</param>
/// <param name="Samples">Samples evaluated.</param>
public readonly record struct Evaluation(double Loss, double Accuracy, int Samples)
{
    /// <summary>What the forward passes showed of the network (dead units, outputs), for the learning-health checks.</summary>
    public NetworkActivity? Activity { get; init; }
}

/// <summary>A SET multilayer perceptron on an engine: evaluation, outputs and a host copy, besides training.</summary>
public interface IMlpEngine : ISetEngine
{
    /// <summary>Loss and accuracy on <paramref name="data"/>, without dropout.</summary>
    Evaluation Evaluate(Dataset data);

    /// <summary>The network's outputs (samples × outputs, row-major) for <paramref name="data"/>.</summary>
    float[] Predict(Dataset data);

    /// <summary>
    /// The activations of hidden block <paramref name="block"/> (1 = the first hidden layer's outputs) for
    /// <paramref name="data"/> (samples × neurons, row-major), without dropout or noise: an autoencoder's code.
    /// </summary>
    float[] Activations(Dataset data, int block);

    /// <summary>A host copy of the current state.</summary>
    SparseNetwork Export();
}
