using SetGpu.Model;

namespace SetGpu.KernelsTests.Support;

/// <summary>
/// Layers for the tests of the optimiser state and of SReLU: a random layer (<see cref="TestLayers.Random"/>) given
/// Adam's two state arrays, or SReLU's parameters, with random values that every piece of the rules reaches.
/// </summary>
internal static class OptimizerLayers
{
    /// <summary>
    /// <paramref name="layer"/> with <paramref name="states"/> state arrays per parameter: random first moments (or
    /// velocities) in ±0.1, second moments in [0, 0.01) (a second moment is never negative).
    /// </summary>
    public static SparseLayer WithStates(SparseLayer layer, int states, int seed) =>
        new(layer.Inputs, layer.Outputs, layer.Activation, layer.Init, layer.Pattern, layer.Weights,
            States(states, layer.Connections, seed), layer.Bias, States(states, layer.Outputs, seed + 1),
            layer.ActivationParameters, layer.ActivationParameters is null ? null : States(states, layer.ActivationParameters.Length, seed + 2));

    /// <summary>
    /// <paramref name="layer"/> as an SReLU layer with <paramref name="states"/> state arrays: t_l in [−0.6, −0.05),
    /// a_l in [0, 0.5), t_r in [0.05, 0.6), a_r in [0.5, 1.5), so that pre-activations of magnitude about 1 fall on every
    /// piece and every parameter has a gradient.
    /// </summary>
    public static SparseLayer WithSRelu(SparseLayer layer, int states, int seed)
    {
        var rng = new Random(seed);
        int n = layer.Outputs;
        var parameters = new float[SReluParameters.Count * n];
        for (int j = 0; j < n; j++)
        {
            parameters[SReluParameters.LeftThreshold * n + j] = (float)(-0.05 - 0.55 * rng.NextDouble());
            parameters[SReluParameters.LeftSlope * n + j] = (float)(0.5 * rng.NextDouble());
            parameters[SReluParameters.RightThreshold * n + j] = (float)(0.05 + 0.55 * rng.NextDouble());
            parameters[SReluParameters.RightSlope * n + j] = (float)(0.5 + rng.NextDouble());
        }
        return new SparseLayer(layer.Inputs, layer.Outputs, new LayerActivation(ActivationKind.SRelu), layer.Init, layer.Pattern,
            layer.Weights, States(states, layer.Connections, seed + 1), layer.Bias, States(states, n, seed + 2),
            parameters, States(states, parameters.Length, seed + 3));
    }

    /// <summary>A network's layers given random SReLU parameters (see <see cref="WithSRelu"/>) where their activation is SReLU.</summary>
    public static SparseNetwork WithRandomSRelu(SparseNetwork network, int seed) =>
        new(network.Spec, network.Layers.Select((l, i) =>
            l.Activation.Kind == ActivationKind.SRelu ? WithSRelu(l, l.StateArrays, seed + 10 * i) : l).ToArray());

    static float[][] States(int states, int length, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, states).Select(s => Enumerable.Range(0, length)
            .Select(_ => (float)(s == 0 ? rng.NextDouble() * 0.2 - 0.1 : rng.NextDouble() * 0.01)).ToArray()).ToArray();
    }
}
