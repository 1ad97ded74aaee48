using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using SetGpu.Cpu.Rbm;
using SetGpu.KernelsTests.Rbm;
using SetGpu.KernelsTests.Support;
using SetGpu.Rbm;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// The RBM engines' parity contract (<see cref="RbmLanes"/>) itself: the layout and the orders it fixes, the CPU
/// engine's vector math in it, and the CPU engine computing the same bits without AVX, or without any SIMD (child
/// processes with DOTNET_EnableAVX=0 and DOTNET_EnableHWIntrinsic=0), as with them.
/// </summary>
public class RbmLanesTests
{
    [Theory]
    [InlineData(1, 8)]
    [InlineData(8, 8)]
    [InlineData(9, 16)]
    [InlineData(10, 16)]
    [InlineData(17, 24)]
    [InlineData(40, 40)]
    public void Blocks_pad_the_batch_to_whole_groups_of_eight(int batch, int stride) => Assert.Equal(stride, RbmLanes.Stride(batch));

    [Theory]
    [InlineData(8, "4x8")]
    [InlineData(16, "2x16")]
    [InlineData(24, "2x16 4x8")]
    [InlineData(32, "1x32")]
    [InlineData(40, "1x32 4x8")]
    [InlineData(48, "1x32 2x16")]
    [InlineData(56, "1x32 2x16 4x8")]
    public void Gather_chains_follow_the_tiles_of_four_two_and_one_groups(int stride, string tiles)
    {
        // "cxn": n lanes summed in c chains, tile after tile.
        var expected = tiles.Split(' ').SelectMany(t => Enumerable.Repeat(int.Parse(t[..1]), int.Parse(t[2..]))).ToArray();
        Assert.Equal(expected, Enumerable.Range(0, stride).Select(b => RbmLanes.GatherChains(b, stride)));
    }

    [Fact]
    public void Lane_sums_are_the_pairwise_tree_on_every_path()
    {
        var rng = new Random(3);
        for (int t = 0; t < 20_000; t++)
        {
            var l = Enumerable.Range(0, 8).Select(_ => (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-3, 8)))).ToArray();
            float expected = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
            var v = Vector256.Create(l);
            Assert.Equal(expected, RbmLanes.Sum(l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7]));
            Assert.Equal(expected, RbmVectorMath.Sum(v));
            Assert.Equal(expected, RbmVectorMath.SumPortable(v));
        }
    }

    [Fact]
    public void Vector_sigmoid_and_softplus_match_double_precision()
    {
        var z = Enumerable.Range(-400, 801).Select(i => i * 0.1f).ToArray(); // −40 … 40: both tails
        const int width = RbmLanes.Width;
        for (int s = 0; s + width <= z.Length; s += width)
        {
            var x = Vector256.Create(z.AsSpan(s));
            var sig = RbmVectorMath.Sigmoid(x);
            var sp = RbmVectorMath.Softplus(x);
            for (int l = 0; l < width; l++)
            {
                double e = RbmTestModels.Sigmoid(z[s + l]), f = RbmEnergy.Softplus(z[s + l]);
                Assert.True(Math.Abs(sig[l] - e) <= 1e-6 * Math.Max(1e-3, e) + 1e-30, $"sigmoid({z[s + l]}) = {sig[l]}, expected {e}");
                Assert.True(Math.Abs(sp[l] - f) <= 2e-6 * Math.Max(1, f) || (f < 1e-15 && sp[l] < 1e-15), $"softplus({z[s + l]}) = {sp[l]}, expected {f}");
            }
        }
    }

    [Theory]
    [InlineData("DOTNET_EnableAVX")]
    [InlineData("DOTNET_EnableHWIntrinsic")]
    public async Task The_cpu_engine_computes_the_same_bits_without_simd(string switchedOff)
    {
        string here = RbmParityFingerprint.Compute();
        var info = ChildProcess.Helper("rbm-fingerprint");
        info.Environment[switchedOff] = "0";
        using var child = Process.Start(info)!;
        var error = child.StandardError.ReadToEndAsync();
        string there = (await child.StandardOutput.ReadToEndAsync()).Trim();
        await child.WaitForExitAsync();
        Assert.True(child.ExitCode == 0, $"the helper failed: {await error}");
        Assert.Equal(here, there);
    }
}

/// <summary>
/// A hash of everything a CPU RBM engine computes in a few epochs at batches of every stride kind (one group, two,
/// three, five): weights, momenta, biases, errors, features. The same on any host (the parity contract).
/// </summary>
internal static class RbmParityFingerprint
{
    public static string Compute()
    {
        var data = RbmTrainingTests.Prototypes(120, seed: 4);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (int batch in new[] { 1, 10, 17, 40 })
        {
            var spec = new SetRbmSpec
            {
                Visible = 64, Hidden = 24, Epsilon = 4, BatchSize = batch, Seed = 8, CdSteps = 2,
                Optimizer = new Sgd { LearningRate = 0.05f, Momentum = 0.5f, WeightDecay = 2e-7f },
            };
            var rbm = SparseRbm.Create(spec);
            using var engine = new CpuRbmEngine(rbm);
            engine.SetTrainingData(data.Train);
            var order = SampleOrder.Shuffled(data.Train.Samples, 8, 0);
            var errors = new List<double>();
            for (int epoch = 0; epoch < 2; epoch++) errors.Add(engine.TrainEpoch(order, 10 * epoch, spec));
            var evaluation = engine.Evaluate(data.Test, 5);
            errors.AddRange([evaluation.ReconstructionError, evaluation.MeanFreeEnergy]);
            foreach (var values in new[] { rbm.Weights.Weights, rbm.Weights.WeightVelocity, rbm.HiddenBias, rbm.VisibleBias, engine.Transform(data.Test) })
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(errors.ToArray().AsSpan()));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
