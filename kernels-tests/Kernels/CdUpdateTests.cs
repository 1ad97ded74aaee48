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

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// The CD update's reference, dense (MathNet) in double precision: g = (V⁰H⁰ᵀ − VᵏHᵏᵀ)/B at the connections only,
/// Δ = μ·Δ + η·g, W ← W + Δ − λ·W; the biases likewise from the mean of (data − model). Tolerance 1e-5.
/// </summary>
internal static class CdUpdateReference
{
    public const float LearningRate = 0.1f, Momentum = 0.5f, WeightDecay = 0.01f;

    /// <summary>One CD step's four blocks: the data and model states of both layers, padding lanes zero.</summary>
    public sealed record Statistics(float[] VData, float[] VModel, float[] HData, float[] HModel);

    /// <summary>An RBM with random momenta and the blocks of one step (batches over several strides: the contract's short and long orders).</summary>
    public static (SparseRbm Rbm, Statistics Blocks) Case(int visible, int hidden, double density, int batch)
    {
        var rbm = RbmTestModels.Random(visible, hidden, density, seed: 7 * hidden + batch);
        var rng = new System.Random(batch);
        for (int k = 0; k < rbm.Connections; k++) rbm.Weights.WeightVelocity[k] = (float)(rng.NextDouble() * 0.2 - 0.1);
        for (int j = 0; j < hidden; j++) rbm.Weights.BiasVelocity[j] = (float)(rng.NextDouble() * 0.2 - 0.1);
        for (int i = 0; i < visible; i++) rbm.VisibleBiasVelocity[i] = (float)(rng.NextDouble() * 0.2 - 0.1);
        int stride = RbmLanes.Stride(batch);
        return (rbm, new Statistics(RbmTestModels.Block(visible, batch, stride, 11, r => (float)r.NextDouble()),
                                    RbmTestModels.Block(visible, batch, stride, 12, r => (float)r.NextDouble()),
                                    RbmTestModels.Block(hidden, batch, stride, 13, r => r.Next(2)),
                                    RbmTestModels.Block(hidden, batch, stride, 14, r => r.Next(2))));
    }

    public static void AssertStep(SparseRbm before, SparseRbm after, Statistics s, int batch, string what)
    {
        int stride = RbmLanes.Stride(batch), visible = before.Visible, hidden = before.Hidden;
        Matrix<double> M(float[] block, int units) => RbmTestModels.AsMatrix(block, units, batch, stride);
        var g = (M(s.VData, visible) * M(s.HData, hidden).Transpose() - M(s.VModel, visible) * M(s.HModel, hidden).Transpose()) / batch;
        var p = before.Weights.Pattern;
        Assert.Equal(p.Columns, after.Weights.Pattern.Columns);
        for (int i = 0; i < visible; i++)
            for (int k = p.Offsets[i]; k < p.Offsets[i + 1]; k++)
            {
                double velocity = Momentum * before.Weights.WeightVelocity[k] + LearningRate * g[i, p.Columns[k]];
                double w = before.Weights.Weights[k] + velocity - WeightDecay * before.Weights.Weights[k];
                Assert.True(Math.Abs(after.Weights.Weights[k] - w) <= 1e-5 * Math.Max(1, Math.Abs(w)),
                    $"{what}: W[{i},{p.Columns[k]}] expected {w}, got {after.Weights.Weights[k]}");
                Assert.True(Math.Abs(after.Weights.WeightVelocity[k] - velocity) <= 1e-5, $"{what}: velocity [{i},{p.Columns[k]}]");
            }
        void AssertBias(float[] biasBefore, float[] velocityBefore, float[] biasAfter, float[] data, float[] model, int units, string name)
        {
            for (int u = 0; u < units; u++)
            {
                double gb = (M(data, units).Row(u).Sum() - M(model, units).Row(u).Sum()) / batch;
                double v = Momentum * velocityBefore[u] + LearningRate * gb;
                double b = biasBefore[u] + v - WeightDecay * biasBefore[u];
                Assert.True(Math.Abs(biasAfter[u] - b) <= 1e-5, $"{what}: {name} bias {u}: expected {b}, got {biasAfter[u]}");
            }
        }
        AssertBias(before.VisibleBias, before.VisibleBiasVelocity, after.VisibleBias, s.VData, s.VModel, visible, "visible");
        AssertBias(before.HiddenBias, before.Weights.BiasVelocity, after.HiddenBias, s.HData, s.HModel, hidden, "hidden");
    }

    /// <summary>The CPU twin's step: <see cref="CdUpdate.Run"/> and both <see cref="CdUpdate.Biases"/>.</summary>
    public static void RunTwin(SparseRbm rbm, Statistics s, int batch)
    {
        int stride = RbmLanes.Stride(batch);
        var step = new RbmStep(LearningRate, Momentum, WeightDecay);
        CdUpdate.Run(rbm.Weights, s.VData, s.HData, s.VModel, s.HModel, stride, batch, step);
        CdUpdate.Biases(rbm.VisibleBias, rbm.VisibleBiasVelocity, s.VData, s.VModel, stride, batch, step);
        CdUpdate.Biases(rbm.HiddenBias, rbm.Weights.BiasVelocity, s.HData, s.HModel, stride, batch, step);
    }
}

/// <summary>The CPU twin, <see cref="CdUpdate"/>, against the reference.</summary>
public class CdUpdateCpuTwinTests
{
    [Theory]
    [MemberData(nameof(RbmGatherReference.Shapes), MemberType = typeof(RbmGatherReference))]
    public void Cd_update_equals_masked_dense_statistics_with_momentum_and_decay(int visible, int hidden, double density, int batch)
    {
        var (rbm, blocks) = CdUpdateReference.Case(visible, hidden, density, batch);
        var before = rbm.Clone();
        CdUpdateReference.RunTwin(rbm, blocks, batch);
        CdUpdateReference.AssertStep(before, rbm, blocks, batch, "cpu");
    }
}

/// <summary>
/// <see cref="CdUpdateKernels"/> launched directly (<see cref="IRbmLaunches.CdUpdate"/>, <see cref="IRbmLaunches.UpdateBias"/>)
/// on each backend against the reference. On ILGPU's CPU accelerator the weights, momenta and biases are the CPU twin's
/// bit for bit, at every stride: the parity contract (<see cref="RbmLanes"/>).
/// </summary>
public class CdUpdateTests(Accelerators accelerators) : IClassFixture<Accelerators>
{
    [BackendTheory(nameof(RbmGatherReference.Shapes), MemberType = typeof(RbmGatherReference))]
    public void Cd_update_equals_masked_dense_statistics_with_momentum_and_decay(string backend, int visible, int hidden, double density, int batch)
    {
        var accelerator = accelerators.Open(backend);
        var launches = RbmLaunches.For(accelerator);
        var (rbm, s) = CdUpdateReference.Case(visible, hidden, density, batch);
        int stride = RbmLanes.Stride(batch);
        using var layer = new DeviceLayer(accelerator, rbm.Weights);
        using var visibleBias = accelerator.Allocate1D(rbm.VisibleBias);
        using var visibleVelocity = accelerator.Allocate1D(rbm.VisibleBiasVelocity);
        using var vd = accelerator.Allocate1D(s.VData);
        using var vm = accelerator.Allocate1D(s.VModel);
        using var hd = accelerator.Allocate1D(s.HData);
        using var hm = accelerator.Allocate1D(s.HModel);
        var step = new RbmStepParams
        {
            LearningRate = CdUpdateReference.LearningRate, Momentum = CdUpdateReference.Momentum,
            WeightDecay = CdUpdateReference.WeightDecay, InvBatch = 1f / batch,
        };
        launches.CdUpdate(visible, layer.RowOffsets, layer.Columns, layer.Weights, layer.Velocity, vd, hd, vm, hm, stride, step);
        launches.UpdateBias(visible, visibleBias, visibleVelocity, vd, vm, stride, step);
        launches.UpdateBias(hidden, layer.Bias, layer.BiasVelocity, hd, hm, stride, step);
        accelerator.Synchronize();
        var after = new SparseRbm(rbm.Spec, layer.Download(), visibleBias.GetAsArray1D(), visibleVelocity.GetAsArray1D());
        CdUpdateReference.AssertStep(rbm, after, s, batch, backend);
        if (accelerator.AcceleratorType != AcceleratorType.CPU) return;

        var twin = rbm.Clone();
        CdUpdateReference.RunTwin(twin, s, batch);
        Assert.Equal(TestLayers.Bits(twin.Weights.Weights), TestLayers.Bits(after.Weights.Weights));
        Assert.Equal(TestLayers.Bits(twin.Weights.WeightVelocity), TestLayers.Bits(after.Weights.WeightVelocity));
        Assert.Equal(TestLayers.Bits(twin.HiddenBias), TestLayers.Bits(after.HiddenBias));
        Assert.Equal(TestLayers.Bits(twin.Weights.BiasVelocity), TestLayers.Bits(after.Weights.BiasVelocity));
        Assert.Equal(TestLayers.Bits(twin.VisibleBias), TestLayers.Bits(after.VisibleBias));
        Assert.Equal(TestLayers.Bits(twin.VisibleBiasVelocity), TestLayers.Bits(after.VisibleBiasVelocity));
    }
}
