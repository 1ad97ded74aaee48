using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Training;

namespace SetGpu;

/// <summary>
/// A trained network from a checkpoint, predicting on data as loaded (not standardised): it applies the
/// standardisation the run fitted on its training split, kept in the checkpoint, so new samples are scaled exactly as
/// the training samples were.
/// <code>
/// using var predictor = SetPredictor.Load("run.ckpt", Device.Cpu);
/// Prediction outputs = predictor.Predict(newData);   // samples × outputs
/// int[] classes = outputs.Classes();
/// </code>
/// </summary>
public sealed class SetPredictor : IDisposable
{
    /// <summary>Puts the network of <paramref name="checkpoint"/> on <paramref name="device"/>.</summary>
    public SetPredictor(TrainingCheckpoint checkpoint, Device device = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        Checkpoint = checkpoint;
        Model = SetMlp.Load(checkpoint, device);
    }

    /// <summary>Loads a checkpoint (<see cref="TrainingCheckpoint.Load"/>: every check first) and puts its network on <paramref name="device"/>.</summary>
    public static SetPredictor Load(string checkpointPath, Device device = default) => new(TrainingCheckpoint.Load(checkpointPath), device);

    /// <summary>The checkpoint the network came from.</summary>
    public TrainingCheckpoint Checkpoint { get; }
    /// <summary>The network on its device.</summary>
    public SetMlp Model { get; }
    /// <summary>Features the network takes.</summary>
    public int Inputs => Model.Inputs;
    /// <summary>Outputs (classes) the network gives.</summary>
    public int Outputs => Model.Outputs;

    /// <summary><paramref name="raw"/> standardised as the training data were (unchanged when the run did not standardise).</summary>
    public Dataset Prepare(Dataset raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.FeatureCount != Inputs)
            throw new ArgumentException($"{raw.Name}: {raw.FeatureCount} features, but the network takes {Inputs}");
        return Checkpoint.Scaling?.Transform(raw) ?? raw;
    }

    /// <summary>The network's outputs for <paramref name="raw"/>: softmax probabilities, sigmoids or linear values.</summary>
    public Prediction Predict(Dataset raw) => Model.Predict(Prepare(raw));

    /// <summary>The network's outputs for raw samples (rows of <paramref name="rawFeatures"/>, samples × <see cref="Inputs"/>).</summary>
    public Prediction Predict(float[,] rawFeatures) => Predict(SetMlp.Unlabelled(rawFeatures, Inputs, Outputs));

    /// <summary>Loss and accuracy on labelled <paramref name="raw"/> data.</summary>
    public Evaluation Evaluate(Dataset raw) => Model.Evaluate(Prepare(raw));

    /// <inheritdoc/>
    public void Dispose() => Model.Dispose();
}
