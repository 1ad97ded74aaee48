using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Training;

namespace SetGpu.Cpu;

/// <summary>
/// A trained network ready to predict, on any engine:
/// <code>
/// using var predictor = SetPredictor.Load("run.ckpt", engine: "cpu");
/// float[] outputs = predictor.Predict(newData);   // samples × outputs, row-major
/// int[] classes = predictor.Classify(newData);
/// </code>
/// Data are given as loaded (not standardised): the predictor applies the standardisation the run fitted on its
/// training split, kept in the checkpoint, so new samples are scaled exactly as the training samples were.
/// </summary>
public sealed class SetPredictor : IDisposable
{
    /// <summary>Puts the network of <paramref name="checkpoint"/> on the named engine (see <see cref="SetEngines.Names"/>).</summary>
    public SetPredictor(TrainingCheckpoint checkpoint, string engine = "cpu")
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        Checkpoint = checkpoint;
        Engine = SetEngines.Create(engine, checkpoint.Network, checkpoint.Report.Training);
    }

    /// <summary>Loads a checkpoint (<see cref="TrainingCheckpoint.Load"/>: every check first) and puts its network on the named engine.</summary>
    public static SetPredictor Load(string checkpointPath, string engine = "cpu") => new(TrainingCheckpoint.Load(checkpointPath), engine);

    /// <summary>The checkpoint the network came from.</summary>
    public TrainingCheckpoint Checkpoint { get; }
    /// <summary>The engine holding the network.</summary>
    public ISetEngine Engine { get; }
    /// <summary>Features the network takes.</summary>
    public int Inputs => Checkpoint.Network.Layers[0].Inputs;
    /// <summary>Outputs (classes) the network gives.</summary>
    public int Outputs => Checkpoint.Network.Layers[^1].Outputs;

    /// <summary><paramref name="raw"/> standardised as the training data were (unchanged when the run did not standardise).</summary>
    public Dataset Prepare(Dataset raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.FeatureCount != Inputs)
            throw new ArgumentException($"{raw.Name}: {raw.FeatureCount} features, but the network takes {Inputs}");
        return Checkpoint.Scaling?.Transform(raw) ?? raw;
    }

    /// <summary>The network's outputs for <paramref name="raw"/> (samples × outputs, row-major): softmax probabilities, sigmoids or linear values.</summary>
    public float[] Predict(Dataset raw) => Engine.Predict(Prepare(raw));

    /// <summary>The outputs for unlabelled samples: <paramref name="rawFeatures"/> holds samples × <see cref="Inputs"/> values, row-major.</summary>
    public float[] Predict(float[] rawFeatures)
    {
        ArgumentNullException.ThrowIfNull(rawFeatures);
        if (rawFeatures.Length == 0 || rawFeatures.Length % Inputs != 0)
            throw new ArgumentException($"features: {rawFeatures.Length} values are not a whole number of samples of {Inputs} features");
        int samples = rawFeatures.Length / Inputs;
        // The engines take a labelled dataset; outputs do not depend on the labels.
        return Predict(new Dataset("features", rawFeatures, new int[samples], Inputs, Math.Max(2, Outputs)));
    }

    /// <summary>The class of every sample: the index of its largest output.</summary>
    public int[] Classify(Dataset raw) => ArgMax(Predict(raw), Outputs);

    /// <summary>Loss and accuracy on labelled <paramref name="raw"/> data.</summary>
    public Evaluation Evaluate(Dataset raw) => Engine.Evaluate(Prepare(raw));

    /// <summary>The index of the largest value of every row of a row-major samples × <paramref name="outputs"/> array.</summary>
    public static int[] ArgMax(float[] values, int outputs)
    {
        var classes = new int[values.Length / outputs];
        for (int s = 0; s < classes.Length; s++)
        {
            int best = 0;
            for (int k = 1; k < outputs; k++)
                if (values[(long)s * outputs + k] > values[(long)s * outputs + best]) best = k;
            classes[s] = best;
        }
        return classes;
    }

    /// <inheritdoc/>
    public void Dispose() => Engine.Dispose();
}
