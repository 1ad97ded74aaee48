using SetGpu.Analysis;
using SetGpu.Model;

namespace SetGpu.KernelsTests.Dae;

/// <summary>Neuron attribution: the gradient of the largest output against central finite differences.</summary>
public class InputAttributionTests
{
    [Theory]
    [InlineData(HiddenActivation.Sigmoid, OutputActivation.Softmax)]
    [InlineData(HiddenActivation.Tanh, OutputActivation.Sigmoid)]
    [InlineData(HiddenActivation.LeakyRelu, OutputActivation.Linear)]
    public void Gradient_matches_finite_differences(HiddenActivation hidden, OutputActivation output)
    {
        var network = SparseNetwork.Create(new SetMlpSpec
        {
            LayerSizes = [12, 15, 9, 4], Epsilon = 4, HiddenActivation = hidden, OutputActivation = output,
            Loss = output == OutputActivation.Softmax ? LossKind.CrossEntropy : LossKind.Mse, Seed = 3,
        });
        var rng = new System.Random(5);
        var x = Enumerable.Range(0, 12).Select(_ => (float)rng.NextDouble()).ToArray();
        var gradient = InputAttribution.Gradient(network, x);
        double Output(float[] input, int c) => Forward(network, input)[c];
        var y = Forward(network, x);
        int c = Array.IndexOf(y, y.Max());
        for (int j = 0; j < 12; j++)
        {
            const float h = 1e-3f;
            var plus = (float[])x.Clone();
            var minus = (float[])x.Clone();
            plus[j] += h;
            minus[j] -= h;
            double numeric = (Output(plus, c) - Output(minus, c)) / (plus[j] - minus[j]);
            Assert.True(Math.Abs(numeric - gradient[j]) <= 1e-3 * Math.Max(1e-2, Math.Abs(numeric)) + 1e-5,
                $"input {j}: numeric {numeric}, analytic {gradient[j]}");
        }
    }

    /// <summary>A dense forward pass in double, from the definition (W[i, j] at row i, column j of the CSR layer).</summary>
    static double[] Forward(SparseNetwork network, float[] x)
    {
        var a = x.Select(v => (double)v).ToArray();
        foreach (var layer in network.Layers)
        {
            var z = layer.Bias.Select(b => (double)b).ToArray();
            for (int i = 0; i < layer.Inputs; i++)
                for (int k = layer.Pattern.Offsets[i]; k < layer.Pattern.Offsets[i + 1]; k++)
                    z[layer.Pattern.Columns[k]] += a[i] * layer.Weights[k];
            a = layer.Activation.Kind switch
            {
                ActivationKind.Softmax => Softmax(z),
                ActivationKind.Sigmoid => z.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(),
                ActivationKind.Tanh => z.Select(Math.Tanh).ToArray(),
                ActivationKind.PiecewiseLinear => z.Select(v => v > 0 ? v : layer.Activation.Slope * v).ToArray(),
                _ => z,
            };
        }
        return a;
    }

    static double[] Softmax(double[] z)
    {
        double max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }
}
