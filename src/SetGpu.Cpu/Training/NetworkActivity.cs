using SetGpu.Model;

namespace SetGpu.Training;

/// <summary>
/// What an evaluation's forward passes showed of the network itself, for the learning-health checks of a run
/// (<c>LearningHealth</c>): the units that never fired and how much the outputs vary across the samples.
/// </summary>
/// <param name="DeadUnits">
/// Per hidden layer, the fraction of its units whose output was zero for every evaluated sample: measured for ReLU
/// layers only (NaN for other activations); null where the engine does not measure it.
/// </param>
/// <param name="OutputRange">The largest range (max − min) of one output's value across the samples.</param>
/// <param name="SaturatedOutputs">
/// Sigmoid outputs only: the fraction of (sample, output) values within 0.01 of 0 or 1, where σ' = y·(1 − y) is below
/// 0.01; NaN for other outputs.
/// </param>
/// <param name="PredictedClasses">How many different classes the samples' largest outputs name.</param>
public sealed record NetworkActivity(double[]? DeadUnits, double OutputRange, double SaturatedOutputs, int PredictedClasses);

/// <summary>
/// Gathers <see cref="NetworkActivity"/> from the feature-major blocks (units × batch) of evaluation batches. It reads
/// each hidden and output value once, a pass per unit where the forward pass did one per connection.
/// </summary>
public sealed class ActivityProbe
{
    const float Saturation = 0.01f;
    readonly IReadOnlyList<LayerActivation> _activations;
    readonly bool[]?[] _fired;
    readonly float[] _min, _max;
    readonly HashSet<int> _predicted = [];
    long _saturated, _values;

    /// <param name="activations">Every weight layer's activation, the output layer last.</param>
    /// <param name="sizes">Units of every weight layer's output, the output layer last.</param>
    /// <param name="hiddenMeasured">Whether the hidden blocks will be given (an engine that keeps them on a device may not).</param>
    public ActivityProbe(IReadOnlyList<LayerActivation> activations, IReadOnlyList<int> sizes, bool hiddenMeasured)
    {
        _activations = activations;
        _fired = new bool[]?[activations.Count];
        for (int l = 0; hiddenMeasured && l < activations.Count - 1; l++)
            if (activations[l] is { Kind: ActivationKind.PiecewiseLinear, Slope: 0f }) _fired[l] = new bool[sizes[l]];
        HiddenMeasured = hiddenMeasured;
        int outputs = sizes[^1];
        _min = Enumerable.Repeat(float.PositiveInfinity, outputs).ToArray();
        _max = Enumerable.Repeat(float.NegativeInfinity, outputs).ToArray();
    }

    /// <summary>Whether the hidden layers' dead units are measured.</summary>
    public bool HiddenMeasured { get; }

    /// <summary>Marks the units of hidden layer <paramref name="layer"/> that fired in this batch (<paramref name="a"/>: its output block).</summary>
    public void Hidden(int layer, ReadOnlySpan<float> a, int batch, int stride)
    {
        if (_fired[layer] is not { } fired) return;
        for (int k = 0; k < fired.Length; k++)
        {
            if (fired[k]) continue;
            var row = a.Slice(k * stride, batch);
            foreach (float v in row)
                if (v != 0f) { fired[k] = true; break; }
        }
    }

    /// <summary>Takes the output layer's activated block of a batch (<paramref name="y"/>: outputs × <paramref name="stride"/>).</summary>
    public void Outputs(ReadOnlySpan<float> y, int batch, int stride)
    {
        bool sigmoid = _activations[^1].Kind == ActivationKind.Sigmoid;
        int outputs = _min.Length;
        for (int b = 0; b < batch; b++)
        {
            int best = 0;
            for (int k = 0; k < outputs; k++)
            {
                float v = y[k * stride + b];
                if (v < _min[k]) _min[k] = v;
                if (v > _max[k]) _max[k] = v;
                if (v > y[best * stride + b]) best = k;
                if (sigmoid && v * (1f - v) < Saturation) _saturated++;
            }
            _predicted.Add(best);
        }
        _values += (long)batch * outputs;
    }

    /// <summary>What the batches showed.</summary>
    public NetworkActivity Result()
    {
        double[]? dead = HiddenMeasured
            ? _fired.Take(_fired.Length - 1).Select(f => f is null ? double.NaN : f.Count(x => !x) / (double)f.Length).ToArray()
            : null;
        double range = 0;
        for (int k = 0; k < _min.Length; k++) range = Math.Max(range, _max[k] - _min[k]);
        double saturated = _activations[^1].Kind == ActivationKind.Sigmoid && _values > 0 ? _saturated / (double)_values : double.NaN;
        return new NetworkActivity(dead, range, saturated, _predicted.Count);
    }
}
