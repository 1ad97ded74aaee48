using ILGPU;
using ILGPU.Runtime;
using SetGpu.Cpu;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// Adam's and AdamW's reference, in double precision, per parameter with mean gradient g at training step t (0-based):
/// Adam adds λ·w to g; m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; m̂ = m / (1 − β1^(t+1)); v̂ = v / (1 − β2^(t+1));
/// w ← w − η·m̂ / (√v̂ + ε) (AdamW: − η·(m̂ / (√v̂ + ε) + λ·w)). The gradients are the SDDMM update's and the bias update's.
/// </summary>
internal static class AdamReference
{
    /// <summary>
    /// The settings of the tests: decay large enough to matter, β's away from the defaults so that the corrections do,
    /// and ε = 1e-3. With ε near 0 the step is about ±η whatever |g| is, so a gradient within float rounding of 0 could
    /// step either way; ε bounds the step's sensitivity to the gradient's rounding at 1/ε.
    /// </summary>
    public static AdaptiveMoments Options(bool decoupled) => decoupled
        ? new AdamW { LearningRate = 0.01f, WeightDecay = 0.05f, Beta1 = 0.8f, Beta2 = 0.95f, Epsilon = 1e-3f }
        : new Adam { LearningRate = 0.01f, WeightDecay = 0.05f, Beta1 = 0.8f, Beta2 = 0.95f, Epsilon = 1e-3f };

    /// <summary>Step sequences: one first step, three in a row (the corrections change each step), two late ones.</summary>
    public static readonly long[][] Steps = [[0], [0, 1, 2], [41, 42]];

    public static StepSize Size(AdaptiveMoments o) => new(o.LearningRate, o.WeightDecay);

    /// <summary>One step of one parameter.</summary>
    public static (double W, double M, double V) Step(double w, double m, double v, double g, AdaptiveMoments o, long t)
    {
        bool decoupled = o is AdamW;
        if (!decoupled) g += o.WeightDecay * w;
        m = o.Beta1 * m + (1 - o.Beta1) * g;
        v = o.Beta2 * v + (1 - o.Beta2) * g * g;
        double u = m / (1 - Math.Pow(o.Beta1, t + 1)) / (Math.Sqrt(v / (1 - Math.Pow(o.Beta2, t + 1))) + o.Epsilon);
        return (decoupled ? w - o.LearningRate * (u + o.WeightDecay * w) : w - o.LearningRate * u, m, v);
    }

    /// <summary>
    /// Asserts that parameters <paramref name="after"/> with state (m, v) are <paramref name="before"/>'s after
    /// <paramref name="steps"/>, parameter k with mean gradient <paramref name="gradient"/>(k) at each.
    /// </summary>
    public static void AssertSteps(float[] before, float[][] beforeState, float[] after, float[][] afterState, Func<int, double> gradient,
                                   AdaptiveMoments o, long[] steps, string what)
    {
        for (int k = 0; k < before.Length; k++)
        {
            double w = before[k], m = beforeState[0][k], v = beforeState[1][k], g = gradient(k);
            foreach (long t in steps) (w, m, v) = Step(w, m, v, g, o, t);
            Close(w, after[k], $"{what} {k}");
            Close(m, afterState[0][k], $"{what} {k} m");
            Close(v, afterState[1][k], $"{what} {k} v");
        }
    }

    static void Close(double expected, float actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= MlpKernelShapes.Tolerance * Math.Max(1, Math.Abs(expected)),
            $"{what}: expected {expected}, got {actual}");

    /// <summary>A random layer of the shape with Adam's two state arrays.</summary>
    public static SparseLayer Layer(int inputs, int outputs, double density, int batch) =>
        OptimizerLayers.WithStates(TestLayers.Random(inputs, outputs, density, seed: 19 * outputs + batch), 2, seed: batch);

    /// <summary>The SDDMM gradient G = δout·xᵀ / B at each connection of <paramref name="layer"/>, by CSR index.</summary>
    public static Func<int, double> WeightGradient(SparseLayer layer, float[] deltaOut, float[] x, int batch)
    {
        var g = (TestLayers.AsMatrix(deltaOut, layer.Outputs, batch) * TestLayers.AsMatrix(x, layer.Inputs, batch).Transpose()) / batch;
        var rows = new int[layer.Connections];
        for (int i = 0; i < layer.Inputs; i++)
            for (int k = layer.Pattern.Offsets[i]; k < layer.Pattern.Offsets[i + 1]; k++) rows[k] = i;
        return k => g[layer.Pattern.Columns[k], rows[k]];
    }

    /// <summary>The bias gradient: the mean of δout over the batch.</summary>
    public static Func<int, double> BiasGradient(float[] deltaOut, int batch) =>
        j => Enumerable.Range(0, batch).Sum(b => (double)deltaOut[j * batch + b]) / batch;
}

/// <summary>The CPU twins, <see cref="SpmmBackwardUpdate"/> (its update half, batch 2's AVX path included) and <see cref="BiasUpdate"/>, with Adam and AdamW.</summary>
public class AdamUpdateCpuTwinTests
{
    [Theory]
    [MemberData(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Weight_and_bias_updates_equal_adams_steps(int inputs, int outputs, double density, int batch)
    {
        foreach (bool decoupled in new[] { false, true })
            foreach (var steps in AdamReference.Steps)
            {
                var o = AdamReference.Options(decoupled);
                var layer = AdamReference.Layer(inputs, outputs, density, batch);
                var before = layer.Clone();
                var deltaOut = TestLayers.RandomBlock(outputs, batch, seed: 8);
                var x = TestLayers.RandomBlock(inputs, batch, seed: 9);
                foreach (long t in steps)
                {
                    var step = new AdamStep(o, AdamReference.Size(o), t);
                    SpmmBackwardUpdate.Run(layer, deltaOut, x, null, default, null, batch, null, step);
                    BiasUpdate.Run(layer, deltaOut, batch, step);
                }
                string what = $"{o.GetType().Name} steps {string.Join(",", steps)}";
                AdamReference.AssertSteps(before.Weights, before.WeightState, layer.Weights, layer.WeightState,
                    AdamReference.WeightGradient(before, deltaOut, x, batch), o, steps, $"{what} weight");
                AdamReference.AssertSteps(before.Bias, before.BiasState, layer.Bias, layer.BiasState,
                    AdamReference.BiasGradient(deltaOut, batch), o, steps, $"{what} bias");
            }
    }
}

/// <summary>
/// <see cref="SddmmUpdateKernel.UpdateWeights"/> and <see cref="BiasUpdateKernel.UpdateBias"/> launched directly with
/// Adam's and AdamW's <see cref="OptimizerParams"/> on each backend, against the reference, step after step.
/// </summary>
public class AdamUpdateTests(Accelerators accelerators) : IClassFixture<Accelerators>
{
    [BackendTheory(nameof(MlpKernelShapes.Shapes), MemberType = typeof(MlpKernelShapes))]
    public void Weight_and_bias_updates_equal_adams_steps(string backend, int inputs, int outputs, double density, int batch)
    {
        var accelerator = accelerators.Open(backend);
        var launches = TrainingLaunches.For(accelerator);
        int lanes = TrainingKernels.Lanes(batch);
        foreach (bool decoupled in new[] { false, true })
            foreach (var steps in AdamReference.Steps)
            {
                var o = AdamReference.Options(decoupled);
                var layer = AdamReference.Layer(inputs, outputs, density, batch);
                var deltaOut = TestLayers.RandomBlock(outputs, batch, seed: 8);
                var x = TestLayers.RandomBlock(inputs, batch, seed: 9);
                using var device = new DeviceLayer(accelerator, layer);
                using var deltaOutD = accelerator.Allocate1D(TestLayers.Padded(deltaOut, outputs, batch, lanes));
                using var xd = accelerator.Allocate1D(TestLayers.Padded(x, inputs, batch, lanes));
                foreach (long t in steps)
                {
                    var opt = OptimizerParams.Of(o, AdamReference.Size(o), t);
                    launches.UpdateWeights(device, deltaOutD, xd, batch, opt);
                    launches.UpdateBias(device, deltaOutD, batch, opt);
                }
                accelerator.Synchronize();
                var after = device.Download();
                string what = $"{o.GetType().Name} steps {string.Join(",", steps)} on {backend}";
                AdamReference.AssertSteps(layer.Weights, layer.WeightState, after.Weights, after.WeightState,
                    AdamReference.WeightGradient(layer, deltaOut, x, batch), o, steps, $"{what} weight");
                AdamReference.AssertSteps(layer.Bias, layer.BiasState, after.Bias, after.BiasState,
                    AdamReference.BiasGradient(deltaOut, batch), o, steps, $"{what} bias");
            }
    }
}
