using SetGpu.Cpu;
using SetGpu.Cpu.Rbm;
using SetGpu.KernelsTests.Rbm;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Rbm;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>
/// Results do not depend on the number of threads: the same run with every loop on one thread, and with every loop on the
/// worker pool however small, gives the same bits. These tests change process-wide settings, so they run alone.
/// </summary>
[Collection(nameof(GlobalCpuSettings))]
public class ThreadCountTests
{
    /// <summary>The gather forward (batch 64) and the scatter forward (batch 2), whose partitions fold into z in order
    /// whichever thread completes which, so the bits are those of one thread. The scatter's hidden layers are large
    /// enough to run in parallel.</summary>
    [Theory]
    [InlineData(400, 300, 64, 512, 2)]
    [InlineData(3000, 3000, 2, 64, 1)]
    public void Mlp_results_do_not_depend_on_the_number_of_threads(int hidden1, int hidden2, int batch, int samples, int epochs)
    {
        var spec = new SetMlpSpec { LayerSizes = [40, hidden1, hidden2, 4], Epsilon = 10, Epochs = epochs, BatchSize = batch, Dropout = 0.1f, Seed = 5 };
        var data = EndToEndTests.Blobs(samples);
        SparseNetwork parallel, serial;
        EndToEndTests.Train(spec, data, out parallel);
        try
        {
            ParallelRows.ForceSerial = true;
            EndToEndTests.Train(spec, data, out serial);
        }
        finally { ParallelRows.ForceSerial = false; }
        for (int l = 0; l < parallel.Layers.Count; l++)
        {
            Assert.Equal(parallel.Layers[l].Pattern.Columns, serial.Layers[l].Pattern.Columns);
            Assert.Equal(parallel.Layers[l].Weights, serial.Layers[l].Weights); // bit for bit
        }
    }

    [Theory]
    [InlineData(false, VisibleUnitKind.Bernoulli)]
    [InlineData(true, VisibleUnitKind.Bernoulli)]
    [InlineData(false, VisibleUnitKind.Gaussian)]
    public void Same_seed_same_rbm_bit_for_bit_with_one_thread_or_all(bool persistent, VisibleUnitKind kind)
    {
        var spec = new SetRbmSpec // 2,240 connections × 24 lanes: every loop is big enough for ParallelRows to split
        {
            Visible = 64, Hidden = 48, Epsilon = 20, VisibleUnits = kind, Epochs = 3, BatchSize = 17, Persistent = persistent, Seed = 11,
            Optimizer = new Sgd { LearningRate = kind == VisibleUnitKind.Gaussian ? 0.01f : 0.05f, Momentum = 0, WeightDecay = 2e-7f },
        };
        var data = RbmTrainingTests.Prototypes(300, seed: 2);
        TrainingReport threads, again, serial;
        SparseRbm a, b, c;
        long threshold = RbmParallel.MinParallelWork;
        try
        {
            RbmParallel.MinParallelWork = 0; // every loop on the worker pool, however small
            threads = RbmTrainingTests.Train(spec, data, out a);
            again = RbmTrainingTests.Train(spec, data, out b);
            ParallelRows.ForceSerial = true;
            serial = RbmTrainingTests.Train(spec, data, out c);
        }
        finally
        {
            ParallelRows.ForceSerial = false;
            RbmParallel.MinParallelWork = threshold;
        }
        foreach (var other in new[] { b, c })
        {
            Assert.Equal(a.Weights.Pattern.Columns, other.Weights.Pattern.Columns);
            Assert.Equal(a.Weights.Weights, other.Weights.Weights);
            Assert.Equal(a.VisibleBias, other.VisibleBias);
            Assert.Equal(a.HiddenBias, other.HiddenBias);
        }
        Assert.Equal(threads.Epochs.Select(e => e.Test!.Loss), serial.Epochs.Select(e => e.Test!.Loss));
        Assert.Equal(threads.Epochs.Select(e => e.FreeEnergyGap), again.Epochs.Select(e => e.FreeEnergyGap));
    }
}
