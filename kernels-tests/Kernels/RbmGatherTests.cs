using ILGPU;
using ILGPU.Runtime;
using MathNet.Numerics.LinearAlgebra;
using SetGpu.Cpu.Rbm;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;
using SetGpu.Gpu.Rbm;
using SetGpu.KernelsTests.Rbm;
using SetGpu.KernelsTests.Support;
using SetGpu.Rbm;
using SetGpu.Sparse;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// The RBM gathers' reference, dense (MathNet, the mask applied) in double precision: z = Wᵀv + c for the hidden units,
/// a = W h + b for the visible ones, σ of them, and the documented draws (uniform(key, (offset + b)·units + r) &lt; p).
/// Tolerance 1e-5 relative: float32 sums of at most a few hundred terms of magnitude ≤ 1.
/// </summary>
internal static class RbmGatherReference
{
    public const double Tolerance = 1e-5;

    public static TheoryData<int, int, double, int> Shapes => new()
    {
        { 7, 5, 0.4, 1 },       // batch 1: one group of lanes, mostly padding
        { 64, 48, 0.1, 10 },    // the reference's batch size: two groups (2 chains)
        { 33, 70, 0.25, 3 },
        { 100, 80, 0.05, 17 },  // three groups: the 2- and 1-group tiles
        { 50, 40, 1.0, 32 },    // dense; one tile of four groups
        { 300, 200, 0.02, 40 }, // a 4-group tile and a 1-group tile
    };

    /// <summary>z = Wᵀv + c (hidden × batch).</summary>
    public static Matrix<double> Hidden(SparseRbm rbm, float[] v, int batch, int stride)
    {
        var z = RbmTestModels.DenseWeights(rbm).Transpose() * RbmTestModels.AsMatrix(v, rbm.Visible, batch, stride);
        for (int j = 0; j < rbm.Hidden; j++)
            for (int b = 0; b < batch; b++) z[j, b] += rbm.HiddenBias[j];
        return z;
    }

    /// <summary>a = W h + b (visible × batch).</summary>
    public static Matrix<double> Visible(SparseRbm rbm, float[] h, int batch, int stride)
    {
        var a = RbmTestModels.DenseWeights(rbm) * RbmTestModels.AsMatrix(h, rbm.Hidden, batch, stride);
        for (int i = 0; i < rbm.Visible; i++)
            for (int b = 0; b < batch; b++) a[i, b] += rbm.VisibleBias[i];
        return a;
    }

    /// <summary>The sampled states are the documented draws wherever the draw is not within rounding of the probability, zeros in the padding.</summary>
    public static void AssertDraws(float[] probabilities, float[] states, int units, int batch, int stride, ulong key, long offset)
    {
        for (int j = 0; j < units; j++)
        {
            for (int b = 0; b < batch; b++)
            {
                float p = probabilities[j * stride + b];
                float u = RbmSampling.Uniform(key, RbmSampling.Counter(offset + b, units, j));
                if (Math.Abs(u - p) > 1e-5) Assert.Equal(u < p ? 1f : 0f, states[j * stride + b]);
            }
            for (int b = batch; b < stride; b++) Assert.Equal(0f, states[j * stride + b]);
        }
    }

    /// <summary>The padding lanes of a block are zero.</summary>
    public static void AssertZeroPadding(float[] block, int units, int batch, int stride, string what)
    {
        for (int u = 0; u < units; u++)
            for (int b = batch; b < stride; b++) Assert.True(block[u * stride + b] == 0f, $"{what}[{u},{b}] is {block[u * stride + b]}");
    }
}

/// <summary>The CPU twin, <see cref="RbmGather"/> with its epilogues, against the reference.</summary>
public class RbmGatherCpuTwinTests
{
    [Theory]
    [MemberData(nameof(RbmGatherReference.Shapes), MemberType = typeof(RbmGatherReference))]
    public void Hidden_gather_equals_dense_sigmoid_of_transposed_product_plus_bias(int visible, int hidden, double density, int batch)
    {
        var rbm = RbmTestModels.Random(visible, hidden, density, seed: visible + batch);
        int stride = RbmLanes.Stride(batch);
        var v = RbmTestModels.Block(visible, batch, stride, 3, r => (float)r.NextDouble());
        var probabilities = new float[hidden * stride];
        var pre = new float[hidden * stride];
        var states = new float[hidden * stride];
        var entries = new IncomingEntries(IncomingIndex.Build(rbm.Weights.Pattern, hidden), rbm.Weights.Weights);
        RbmGather.Run(hidden, rbm.Connections, entries, rbm.HiddenBias, v, stride, new HiddenProbability(probabilities, batch));
        RbmGather.Run(hidden, rbm.Connections, entries, rbm.HiddenBias, v, stride, new SampleHidden(states, batch, hidden, 77, 5, pre));

        var z = RbmGatherReference.Hidden(rbm, v, batch, stride);
        TestLayers.AssertClose(z, TestLayers.Unpadded(pre, hidden, batch, stride), RbmGatherReference.Tolerance, "z");
        TestLayers.AssertClose(z.Map(RbmTestModels.Sigmoid), TestLayers.Unpadded(probabilities, hidden, batch, stride), RbmGatherReference.Tolerance, "p(h|v)");
        RbmGatherReference.AssertDraws(probabilities, states, hidden, batch, stride, 77, 5);
        RbmGatherReference.AssertZeroPadding(probabilities, hidden, batch, stride, "p(h|v)");
    }

    [Theory]
    [MemberData(nameof(RbmGatherReference.Shapes), MemberType = typeof(RbmGatherReference))]
    public void Visible_gather_equals_dense_product_plus_bias_with_its_squared_error(int visible, int hidden, double density, int batch)
    {
        foreach (bool gaussian in new[] { false, true })
        {
            var rbm = RbmTestModels.Random(visible, hidden, density, seed: 3 * visible + batch);
            int stride = RbmLanes.Stride(batch);
            var h = RbmTestModels.Block(hidden, batch, stride, 4, r => r.Next(2));
            var data = RbmTestModels.Block(visible, batch, stride, 5, r => (float)r.NextDouble());
            var means = new float[visible * stride];
            var errors = new double[visible];
            RbmGather.Run(visible, rbm.Connections, new RowEntries(rbm.Weights.Pattern, rbm.Weights.Weights), rbm.VisibleBias, h, stride,
                          new VisibleMean(means, null, data, errors, gaussian, batch, visible, 0));

            var a = RbmGatherReference.Visible(rbm, h, batch, stride);
            var expected = gaussian ? a : a.Map(RbmTestModels.Sigmoid);
            TestLayers.AssertClose(expected, TestLayers.Unpadded(means, visible, batch, stride), RbmGatherReference.Tolerance,
                                   gaussian ? "E[v|h] gaussian" : "p(v|h)");
            var diff = RbmTestModels.AsMatrix(data, visible, batch, stride) - expected;
            for (int i = 0; i < visible; i++)
            {
                double e = diff.Row(i).Sum(x => x * x);
                Assert.True(Math.Abs(errors[i] - e) <= 1e-5 * Math.Max(1, e), $"error of row {i}: {errors[i]} vs {e}");
            }
            RbmGatherReference.AssertZeroPadding(means, visible, batch, stride, "means");
        }
    }
}

/// <summary>
/// <see cref="RbmGatherKernel.Gather"/> launched directly (<see cref="IRbmLaunches.Gather"/>) on each backend, every
/// epilogue, against the reference; and the rows' squared errors (<see cref="RbmKernels.RowErrors"/>). On ILGPU's CPU
/// accelerator, which runs the kernels' .NET code, the results are the CPU twin's bit for bit: the parity contract
/// (<see cref="RbmLanes"/>: the same chains per lane, the same lane sums).
/// </summary>
public class RbmGatherTests(Accelerators accelerators) : IClassFixture<Accelerators>
{
    [BackendTheory(nameof(RbmGatherReference.Shapes), MemberType = typeof(RbmGatherReference))]
    public void Hidden_gather_equals_dense_sigmoid_of_transposed_product_plus_bias(string backend, int visible, int hidden, double density, int batch)
    {
        var accelerator = accelerators.Open(backend);
        var launches = RbmLaunches.For(accelerator);
        var rbm = RbmTestModels.Random(visible, hidden, density, seed: visible + batch);
        int stride = RbmLanes.Stride(batch);
        var v = RbmTestModels.Block(visible, batch, stride, 3, r => (float)r.NextDouble());
        using var layer = new DeviceLayer(accelerator, rbm.Weights);
        using var vd = accelerator.Allocate1D(v);
        using var zd = accelerator.Allocate1D<float>(hidden * stride);
        using var pd = accelerator.Allocate1D<float>(hidden * stride);
        using var sd = accelerator.Allocate1D<float>(hidden * stride);
        using var pre = accelerator.Allocate1D<float>(hidden * stride);
        RbmGatherParams Params(int epilogue) => new()
        {
            Rows = hidden, Stride = stride, Batch = batch, Indirect = 1, Epilogue = epilogue, WritePre = epilogue == 1 ? 1 : 0,
            Units = hidden, Key = 77, SampleOffset = 5,
        };
        void Gather(MemoryBuffer1D<float, Stride1D.Dense> dst, int epilogue) => launches.Gather(hidden, layer.IncomingOffsets,
            layer.IncomingInputs, layer.IncomingWeightIndex, layer.Weights, layer.Bias, vd, dst, pre, Params(epilogue));
        Gather(zd, 0);
        Gather(pd, 2);
        Gather(sd, 1);
        accelerator.Synchronize();
        float[] z = zd.GetAsArray1D(), probabilities = pd.GetAsArray1D(), states = sd.GetAsArray1D(), written = pre.GetAsArray1D();

        var expected = RbmGatherReference.Hidden(rbm, v, batch, stride);
        TestLayers.AssertClose(expected, TestLayers.Unpadded(z, hidden, batch, stride), RbmGatherReference.Tolerance, $"z on {backend}");
        Assert.Equal(TestLayers.Bits(z), TestLayers.Bits(written)); // the sampling epilogue's pre-activations
        TestLayers.AssertClose(expected.Map(RbmTestModels.Sigmoid), TestLayers.Unpadded(probabilities, hidden, batch, stride),
                               RbmGatherReference.Tolerance, $"p(h|v) on {backend}");
        RbmGatherReference.AssertDraws(probabilities, states, hidden, batch, stride, 77, 5);
        RbmGatherReference.AssertZeroPadding(probabilities, hidden, batch, stride, "p(h|v)");
        if (accelerator.AcceleratorType != AcceleratorType.CPU) return;

        var entries = new IncomingEntries(IncomingIndex.Build(rbm.Weights.Pattern, hidden), rbm.Weights.Weights);
        var (twinP, twinS, twinPre) = (new float[hidden * stride], new float[hidden * stride], new float[hidden * stride]);
        RbmGather.Run(hidden, rbm.Connections, entries, rbm.HiddenBias, v, stride, new HiddenProbability(twinP, batch));
        RbmGather.Run(hidden, rbm.Connections, entries, rbm.HiddenBias, v, stride, new SampleHidden(twinS, batch, hidden, 77, 5, twinPre));
        Assert.Equal(TestLayers.Bits(twinPre), TestLayers.Bits(z));
        Assert.Equal(TestLayers.Bits(twinP), TestLayers.Bits(probabilities));
        Assert.Equal(twinS, states);
    }

    [BackendTheory(nameof(RbmGatherReference.Shapes), MemberType = typeof(RbmGatherReference))]
    public void Visible_gather_equals_dense_product_plus_bias_with_its_squared_error(string backend, int visible, int hidden, double density, int batch)
    {
        var accelerator = accelerators.Open(backend);
        var launches = RbmLaunches.For(accelerator);
        var rowErrors = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, ArrayView<float>, int>(RbmKernels.RowErrors);
        foreach (bool gaussian in new[] { false, true })
        {
            var rbm = RbmTestModels.Random(visible, hidden, density, seed: 3 * visible + batch);
            int stride = RbmLanes.Stride(batch);
            var h = RbmTestModels.Block(hidden, batch, stride, 4, r => r.Next(2));
            var data = RbmTestModels.Block(visible, batch, stride, 5, r => (float)r.NextDouble());
            using var layer = new DeviceLayer(accelerator, rbm.Weights);
            using var bias = accelerator.Allocate1D(rbm.VisibleBias);
            using var hd = accelerator.Allocate1D(h);
            using var dataD = accelerator.Allocate1D(data);
            using var meansD = accelerator.Allocate1D<float>(visible * stride);
            using var errorsD = accelerator.Allocate1D<float>(visible);
            launches.Gather(visible, layer.RowOffsets, layer.Columns, layer.IncomingWeightIndex, layer.Weights, bias, hd, meansD, meansD,
                new RbmGatherParams { Rows = visible, Stride = stride, Batch = batch, Indirect = 0, Epilogue = gaussian ? 3 : 2, Units = visible });
            rowErrors(Launch.For(accelerator, visible), dataD.View, meansD.View, visible, stride, errorsD.View, 0);
            accelerator.Synchronize();
            float[] means = meansD.GetAsArray1D(), errors = errorsD.GetAsArray1D();

            var a = RbmGatherReference.Visible(rbm, h, batch, stride);
            var expected = gaussian ? a : a.Map(RbmTestModels.Sigmoid);
            TestLayers.AssertClose(expected, TestLayers.Unpadded(means, visible, batch, stride), RbmGatherReference.Tolerance,
                                   $"{(gaussian ? "E[v|h] gaussian" : "p(v|h)")} on {backend}");
            var diff = RbmTestModels.AsMatrix(data, visible, batch, stride) - expected;
            for (int i = 0; i < visible; i++)
            {
                double e = diff.Row(i).Sum(x => x * x);
                Assert.True(Math.Abs(errors[i] - e) <= 1e-5 * Math.Max(1, e), $"error of row {i}: {errors[i]} vs {e}");
            }
            RbmGatherReference.AssertZeroPadding(means, visible, batch, stride, "means");
            if (accelerator.AcceleratorType != AcceleratorType.CPU) continue;

            var (twinMeans, twinErrors) = (new float[visible * stride], new double[visible]);
            RbmGather.Run(visible, rbm.Connections, new RowEntries(rbm.Weights.Pattern, rbm.Weights.Weights), rbm.VisibleBias, h, stride,
                          new VisibleMean(twinMeans, null, data, twinErrors, gaussian, batch, visible, 0));
            Assert.Equal(TestLayers.Bits(twinMeans), TestLayers.Bits(means));
            Assert.Equal(twinErrors, errors.Select(e => (double)e));
        }
    }
}
