using System.Reflection;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>
/// The optimiser records beside <see cref="Sgd"/> and the SReLU activation in the specification: equality over every
/// field, JSON kinds, validation naming the field, the decay each applies under a schedule.
/// </summary>
public class OptimizerSpecTests
{
    static readonly Optimizer[] Optimizers =
    [
        new Sgd { LearningRate = 0.02f, Momentum = 0.5f, Nesterov = true },
        new Adam { LearningRate = 0.002f, WeightDecay = 0.001f, Beta1 = 0.8f, Beta2 = 0.99f, Epsilon = 1e-6f },
        new AdamW { LearningRate = 0.003f, Beta1 = 0.85f },
    ];

    /// <summary>Every settable property of every optimiser, changed alone, makes it unequal (so a spec holding it unequal too).</summary>
    [Fact]
    public void Every_optimiser_field_takes_part_in_equality()
    {
        foreach (var optimizer in Optimizers)
            foreach (var property in optimizer.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
            {
                var changed = optimizer with { };
                object? value = property.GetValue(optimizer);
                property.SetValue(changed, value switch { float f => f + 0.125f, bool b => !b, _ => throw new InvalidOperationException(property.Name) });
                Assert.False(optimizer.Equals(changed), $"{optimizer.GetType().Name}.{property.Name} is not compared");
                var spec = new SetMlpSpec { LayerSizes = [3, 2], Optimizer = optimizer };
                Assert.NotEqual(spec, spec with { Optimizer = changed });
            }
        Assert.NotEqual<Optimizer>(new Adam(), new AdamW { WeightDecay = 0f }); // the same fields, another kind
    }

    [Theory]
    [InlineData(0, "sgd")]
    [InlineData(1, "adam")]
    [InlineData(2, "adamw")]
    public void Specifications_round_trip_through_the_report_json_with_the_optimiser_kind(int index, string kind)
    {
        var spec = new SetMlpSpec { LayerSizes = [6, 5, 3], HiddenActivation = HiddenActivation.SRelu, Optimizer = Optimizers[index] };
        string json = new TrainingReport { Spec = spec, Engine = "cpu", Device = "cpu" }.ToJson();
        Assert.Contains($"\"kind\": \"{kind}\"", json);
        Assert.Contains("\"hiddenActivation\": \"srelu\"", json);
        Assert.DoesNotContain("stateArrays", json);
        Assert.Equal(spec, TrainingReport.FromJson(json, "test").Spec);
    }

    [Theory]
    [InlineData("Optimizer.Beta1", "beta1 must lie in [0, 1), got 1")]
    [InlineData("Optimizer.Beta2", "beta2 must lie in [0, 1), got -0.5")]
    [InlineData("Optimizer.Epsilon", "Adam's epsilon must be a positive number, got 0")]
    public void Invalid_adam_settings_are_refused_naming_the_field(string field, string message)
    {
        var adam = field switch
        {
            "Optimizer.Beta1" => new Adam { Beta1 = 1f },
            "Optimizer.Beta2" => new Adam { Beta2 = -0.5f },
            _ => new Adam { Epsilon = 0f },
        };
        var error = Assert.Throws<InvalidSpecException>(() => new SetMlpSpec { LayerSizes = [3, 2], Optimizer = adam }.Validate());
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Defaults_are_the_papers_and_the_common_libraries()
    {
        var (adam, adamW) = (new Adam(), new AdamW());
        Assert.Equal((0.9f, 0.999f, 1e-8f, 0.001f, 0f), (adam.Beta1, adam.Beta2, adam.Epsilon, adam.LearningRate, adam.WeightDecay));
        Assert.Equal((0.001f, 0.01f), (adamW.LearningRate, adamW.WeightDecay));
        Assert.Equal((1, 2, 2), (new Sgd().StateArrays, adam.StateArrays, adamW.StateArrays));
    }

    /// <summary>SGD's per-step decay follows the schedule's factor; Adam's enters through η, so it does not follow it twice.</summary>
    [Fact]
    public void Under_a_schedule_sgds_decay_follows_the_rate_and_adams_does_not()
    {
        var sgd = new SetMlpSpec { LayerSizes = [3, 2], Epochs = 4, Schedule = LearningRateSchedule.Cosine, Optimizer = new Sgd { WeightDecay = 0.001f } };
        var adam = sgd with { Optimizer = new AdamW { WeightDecay = 0.01f } };
        float factor = sgd.LearningRateAt(2) / sgd.Optimizer.LearningRate;
        Assert.Equal(0.001f * factor, sgd.StepAt(2).WeightDecay);
        Assert.Equal(0.01f, adam.StepAt(2).WeightDecay);
        Assert.Equal(adam.LearningRateAt(2), adam.StepAt(2).LearningRate);
    }

    [Fact]
    public void Bias_corrections_are_those_of_step_t_plus_one()
    {
        var adam = new Adam { Beta1 = 0.9f, Beta2 = 0.999f };
        var (c1, c2) = adam.BiasCorrections(0);
        Assert.Equal((float)(1 / (1 - (double)0.9f)), c1);
        Assert.Equal((float)(1 / (1 - (double)0.999f)), c2);
        var (late1, late2) = adam.BiasCorrections(99_999);
        Assert.Equal(1f, late1);
        Assert.InRange(late2, 1f, 1.0001f);
    }

    [Fact]
    public void The_rbm_refuses_adam()
    {
        var error = Assert.Throws<InvalidSpecException>(() => new SetRbmSpec { Visible = 4, Optimizer = new Adam() }.Validate());
        Assert.Equal("Optimizer", error.Field);
        Assert.Contains("the RBM trains with SGD", error.Message);
    }
}
