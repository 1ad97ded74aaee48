namespace SetGpu.KernelsTests.Cpu;

/// <summary>The command line's batch and rate for a split of a given size (docs/results.md, "Defaults").</summary>
public class SmallDataDefaultsTests
{
    [Theory]
    [InlineData(40, 4)]        // glioma: fewer than 4 · 64 samples → the smallest batch
    [InlineData(135, 4)]       // lung-reference-style
    [InlineData(300, 4)]
    [InlineData(320, 5)]
    [InlineData(1152, 18)]     // COIL20's training split
    [InlineData(2047, 31)]
    [InlineData(2048, 32)]
    [InlineData(60000, 32)]    // MNIST
    [InlineData(3, 3)]         // never more than the samples
    [InlineData(1, 1)]
    public void The_batch_gives_an_epoch_at_least_64_steps_between_4_and_32(int samples, int batch)
    {
        Assert.Equal(batch, SmallDataDefaults.BatchSize(samples));
        if (batch is > SmallDataDefaults.SmallestBatch and < SmallDataDefaults.LargestBatch)
            Assert.True(samples / batch >= SmallDataDefaults.StepsPerEpoch);
    }

    [Fact]
    public void The_rate_scales_with_the_square_root_of_the_batch_and_stays_at_32_and_above()
    {
        Assert.Equal(0.01f, SmallDataDefaults.LearningRate(0.01f, 32), 7);
        Assert.Equal(0.005f, SmallDataDefaults.LearningRate(0.01f, 8), 7);
        Assert.Equal(0.0025f, SmallDataDefaults.LearningRate(0.01f, 2), 7);
        Assert.Equal(0.01f, SmallDataDefaults.LearningRate(0.01f, 128), 7);
    }

    [Fact]
    public void No_samples_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SmallDataDefaults.BatchSize(0));
    }
}
