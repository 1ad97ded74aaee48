using SetGpu.Model;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>Erdős–Rényi creation and option checks.</summary>
public class NetworkTests
{
    [Fact]
    public void Erdos_renyi_layers_hold_epsilon_times_fan_sum_connections()
    {
        var network = SparseNetwork.Create(new SetMlpSpec { LayerSizes = [784, 1000, 1000, 10], Epsilon = 20, Seed = 1 });
        Assert.Equal([20 * 1784, 20 * 2000, 1000 * 10], network.Layers.Select(l => l.Connections)); // the last caps at dense
        foreach (var layer in network.Layers) layer.Validate();
        var limit = network.Layers[0].Init.Scale;
        Assert.All(network.Layers[0].Weights, w => Assert.InRange(w, -limit, limit));
        Assert.Equal(MathF.Sqrt(6f / (20 * 1784 / 1000f)), limit, 5);
    }

    [Fact]
    public void Epsilon_beyond_full_density_caps_and_says_dense()
    {
        var network = SparseNetwork.Create(new SetMlpSpec { LayerSizes = [10, 8, 3], Epsilon = 20, Seed = 1 });
        Assert.All(network.Layers, l => Assert.True(l.IsDense));
        Assert.Contains("dense (epsilon caps at full density)", network.Summary());
    }

    [Fact]
    public void Dense_topology_connects_everything()
    {
        var network = SparseNetwork.Create(new SetMlpSpec { LayerSizes = [30, 20, 4], Topology = TopologyKind.Dense, Seed = 1 });
        Assert.Equal(600, network.Layers[0].Connections);
        Assert.Equal(80, network.Layers[1].Connections);
    }

    [Fact]
    public void Same_seed_same_network()
    {
        var spec = new SetMlpSpec { LayerSizes = [100, 50, 5], Epsilon = 5, WeightInit = WeightInitKind.ReferenceNormal, Seed = 3 };
        var a = SparseNetwork.Create(spec);
        var b = SparseNetwork.Create(spec);
        var c = SparseNetwork.Create(spec with { Seed = 4 });
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
        var ex = Assert.Throws<InvalidSpecException>(() =>
            SparseNetwork.Create(new SetMlpSpec { LayerSizes = [4, 3, 2], Epsilon = epsilon, Zeta = zeta }));
        Assert.Equal(message, ex.Message);
        Assert.Equal(epsilon > 0 ? "Zeta" : "Epsilon", ex.Field);
    }

    [Fact]
    public void Empty_layer_is_refused()
    {
        var ex = Assert.Throws<InvalidSpecException>(() => new SetMlpSpec { LayerSizes = [4, 0, 2] }.Validate());
        Assert.Contains("layer 1 has 0 neurons", ex.Message);
    }

    [Fact]
    public void Zero_is_refused_as_the_initialiser_and_kept_for_regrowth()
    {
        var ex = Assert.Throws<InvalidSpecException>(() => new SetMlpSpec { LayerSizes = [4, 2], WeightInit = WeightInitKind.Zero }.Validate());
        Assert.Equal("WeightInit", ex.Field);
        Assert.Contains("Zero is for regrown connections", ex.Message);

        var network = SparseNetwork.Create(new SetMlpSpec { LayerSizes = [40, 30, 2], Regrowth = RegrowthValues.Zero });
        Assert.All(network.Layers, l => Assert.Equal(WeightInit.Zero, l.Init));
        Assert.All(network.Layers, l => Assert.Contains(l.Weights, w => w != 0)); // the initial weights are drawn
    }

    [Fact]
    public void Batch_larger_than_the_data_is_refused()
    {
        var ex = Assert.Throws<InvalidSpecException>(() => new SetMlpSpec { LayerSizes = [4, 2], BatchSize = 64 }.ValidateFor(50));
        Assert.Equal("batch size 64 is larger than the 50 training samples", ex.Message);
        Assert.Equal("BatchSize", ex.Field);
    }

    [Fact]
    public void Cosine_schedule_anneals_from_the_learning_rate_towards_zero()
    {
        var spec = new SetMlpSpec { LayerSizes = [4, 2], Epochs = 4, Optimizer = new Sgd { LearningRate = 0.1f }, Schedule = LearningRateSchedule.Cosine };
        float[] expected = [0.1f, 0.0853553f, 0.05f, 0.0146447f];
        for (int e = 0; e < 4; e++) Assert.Equal(expected[e], spec.LearningRateAt(e), 6);
        Assert.Equal(0.1f, (spec with { Schedule = LearningRateSchedule.Constant }).LearningRateAt(3));
    }

    [Fact]
    public void A_lower_learning_rate_scales_the_decoupled_decay_alike()
    {
        var spec = new SetMlpSpec
        {
            LayerSizes = [4, 2], Epochs = 3, Optimizer = new Sgd { LearningRate = 0.1f, WeightDecay = 0.0002f }, Schedule = LearningRateSchedule.Cosine,
        };
        var step = spec.StepAt(2); // cosine at 2 of 3 epochs: a quarter of the rate
        Assert.Equal(0.025f, step.LearningRate, 6);
        Assert.Equal(0.00005f, step.WeightDecay, 8);
        Assert.Equal(0.25, spec.ZetaAt(2) / spec.Zeta, 6); // ζ follows the same factor
        var constant = spec with { Schedule = LearningRateSchedule.Constant };
        Assert.Equal(new StepSize(0.1f, 0.0002f), constant.StepAt(2)); // a constant rate keeps the reference's per-step decay
    }
}
