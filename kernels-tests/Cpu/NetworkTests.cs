using SetGpu.Model;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>Erdős–Rényi creation and option checks.</summary>
public class NetworkTests
{
    [Fact]
    public void Erdos_renyi_layers_hold_epsilon_times_fan_sum_connections()
    {
        var network = SparseNetwork.Create(new SetMlpOptions { LayerSizes = [784, 1000, 1000, 10], Epsilon = 20 }, seed: 1);
        Assert.Equal([20 * 1784, 20 * 2000, 1000 * 10], network.Layers.Select(l => l.Connections)); // the last caps at dense
        foreach (var layer in network.Layers) layer.Validate();
        var limit = network.Layers[0].Init.Scale;
        Assert.All(network.Layers[0].Weights, w => Assert.InRange(w, -limit, limit));
        Assert.Equal(MathF.Sqrt(6f / (20 * 1784 / 1000f)), limit, 5);
    }

    [Fact]
    public void Epsilon_beyond_full_density_caps_and_says_dense()
    {
        var network = SparseNetwork.Create(new SetMlpOptions { LayerSizes = [10, 8, 3], Epsilon = 20 }, seed: 1);
        Assert.All(network.Layers, l => Assert.True(l.IsDense));
        Assert.Contains("dense (epsilon caps at full density)", network.Summary());
    }

    [Fact]
    public void Dense_topology_connects_everything()
    {
        var network = SparseNetwork.Create(new SetMlpOptions { LayerSizes = [30, 20, 4], Topology = TopologyKind.Dense }, seed: 1);
        Assert.Equal(600, network.Layers[0].Connections);
        Assert.Equal(80, network.Layers[1].Connections);
    }

    [Fact]
    public void Same_seed_same_network()
    {
        var options = new SetMlpOptions { LayerSizes = [100, 50, 5], Epsilon = 5, WeightInit = WeightInitKind.ReferenceNormal };
        var a = SparseNetwork.Create(options, 3);
        var b = SparseNetwork.Create(options, 3);
        var c = SparseNetwork.Create(options, 4);
        Assert.Equal(a.Layers[0].Pattern.Columns, b.Layers[0].Pattern.Columns);
        Assert.Equal(a.Layers[0].Weights, b.Layers[0].Weights);
        Assert.NotEqual(a.Layers[0].Pattern.Columns, c.Layers[0].Pattern.Columns);
        double std = Math.Sqrt(a.Layers[0].Weights.Average(w => (double)w * w));
        Assert.InRange(std, 0.09, 0.11); // N(0, 1)/10
    }

    [Theory]
    [InlineData(0.0, 0.3, "epsilon must be a positive number, got 0")]
    [InlineData(-1.0, 0.3, "epsilon must be a positive number, got -1")]
    [InlineData(20.0, 1.0, "zeta must lie in [0, 1), got 1")]
    [InlineData(20.0, -0.1, "zeta must lie in [0, 1), got -0.1")]
    public void Bad_options_are_refused_before_any_work(double epsilon, double zeta, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            SparseNetwork.Create(new SetMlpOptions { LayerSizes = [4, 3, 2], Epsilon = epsilon, Zeta = zeta }, 1));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Empty_layer_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SetMlpOptions { LayerSizes = [4, 0, 2] }.Validate());
        Assert.Contains("layer 1 has 0 neurons", ex.Message);
    }

    [Fact]
    public void Batch_larger_than_the_data_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Training.TrainingOptions { BatchSize = 64 }.Validate(50));
        Assert.Equal("batch size 64 is larger than the 50 training samples", ex.Message);
    }

    [Fact]
    public void Cosine_schedule_anneals_from_the_learning_rate_towards_zero()
    {
        var options = new Training.TrainingOptions { Epochs = 4, LearningRate = 0.1f, Schedule = Training.LearningRateSchedule.Cosine };
        float[] expected = [0.1f, 0.0853553f, 0.05f, 0.0146447f];
        for (int e = 0; e < 4; e++) Assert.Equal(expected[e], options.LearningRateAt(e), 6);
        Assert.Equal(0.1f, (options with { Schedule = Training.LearningRateSchedule.Constant }).LearningRateAt(3));
    }

    [Fact]
    public void A_lower_learning_rate_scales_the_decoupled_decay_alike()
    {
        var options = new Training.TrainingOptions { LearningRate = 0.1f, WeightDecay = 0.0002f };
        var half = options.AtLearningRate(0.05f);
        Assert.Equal(0.05f, half.LearningRate);
        Assert.Equal(0.0001f, half.WeightDecay, 7);
        Assert.Equal(options, options.AtLearningRate(0.1f)); // a constant rate keeps the reference's per-step decay
    }
}
