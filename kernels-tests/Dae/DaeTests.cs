using SetGpu.Analysis;
using SetGpu.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Dae;

/// <summary>SET-DAE on the CPU engine: determinism, evolution's counts, noise, QuickSelection's strength, save and load.</summary>
public class DaeTests
{
    static SetMlpSpec Small(int epochs = 3, ulong seed = 5) => SetDae.DefaultSpec(30, 40) with
    {
        Epsilon = 5, BatchSize = 10, Epochs = epochs, Seed = seed, Optimizer = new Sgd { LearningRate = 0.5f, Momentum = 0.9f },
    };

    [Fact]
    public void The_same_seed_gives_the_same_bits_and_another_seed_does_not()
    {
        var data = DaeData.Prototypes();
        float[] Run(ulong seed)
        {
            using var dae = SetDae.Create(Small(seed: seed), Device.Cpu);
            dae.Fit(data);
            return dae.Export().Layers.SelectMany(l => l.Weights).ToArray();
        }
        var (a, b, c) = (Run(5), Run(5), Run(6));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Evolution_keeps_the_exact_connection_count_in_both_layers()
    {
        var spec = Small(epochs: 4);
        using var dae = SetDae.Create(spec, Device.Cpu);
        var initial = dae.Export().Layers.Select(l => l.Connections).ToArray();
        Assert.Equal(spec.InitialConnections(0), initial[0]);
        Assert.Equal(spec.InitialConnections(1), initial[1]);
        var report = dae.Fit(DaeData.Prototypes());
        foreach (var epoch in report.Epochs)
        {
            bool evolves = spec.EvolvesAfter(epoch.Epoch); // not after the last epoch
            Assert.True(evolves == epoch.Pruned > 0, $"epoch {epoch.Epoch}: {epoch.Pruned} pruned");
            Assert.Equal(epoch.Pruned, epoch.Regrown);
            Assert.Equal(initial.Select(n => (long)n), epoch.LayerConnections);
        }
    }

    [Fact]
    public void Reconstruction_error_falls_and_is_reported_per_epoch()
    {
        var data = DaeData.Prototypes();
        using var dae = SetDae.Create(Small(epochs: 8) with { Zeta = 0.1 }, Device.Cpu);
        double before = dae.ReconstructionError(data);
        var report = dae.Fit(new TrainingData(data, Test: DaeData.Prototypes(seed: 1)));
        Assert.All(report.Epochs, e => Assert.NotNull(e.Test));
        double after = report.Epochs[^1].Test!.Loss;
        Assert.True(after < 0.5 * before, $"reconstruction error {before:G4} before training, {after:G4} after 8 epochs");
        Assert.Equal(after, dae.ReconstructionError(DaeData.Prototypes(seed: 1)), 1e-9);
    }

    [Fact]
    public void Masking_noise_zeroes_the_given_fraction_of_inputs()
    {
        ulong key = InputNoise.Key(7, 3);
        int masked = 0, n = 0;
        for (int f = 0; f < 300; f++)
            for (int b = 0; b < 100; b++, n++)
                masked += InputNoise.Masked(key, f, b, 100, 0.2f) ? 1 : 0;
        Assert.InRange(masked / (double)n, 0.19, 0.21); // 30,000 draws: sd 0.0023
        ulong next = InputNoise.Key(7, 4); // another step draws another mask
        int differ = Enumerable.Range(0, 1000).Count(f => InputNoise.Masked(key, f, 0, 100, 0.5f) != InputNoise.Masked(next, f, 0, 100, 0.5f));
        Assert.InRange(differ, 400, 600);
    }

    [Fact]
    public void Strength_equals_a_direct_dense_computation()
    {
        using var dae = SetDae.Create(Small(epochs: 2), Device.Cpu);
        dae.Fit(DaeData.Prototypes());
        var layer = dae.Export().Layers[0];
        var dense = new double[layer.Inputs, layer.Outputs];
        for (int i = 0; i < layer.Inputs; i++)
            for (int k = layer.Pattern.Offsets[i]; k < layer.Pattern.Offsets[i + 1]; k++)
                dense[i, layer.Pattern.Columns[k]] = layer.Weights[k];
        var strength = dae.InputStrength();
        for (int i = 0; i < layer.Inputs; i++)
        {
            double expected = 0;
            for (int j = 0; j < layer.Outputs; j++) expected += Math.Abs(dense[i, j]);
            Assert.Equal(expected, strength[i], 1e-5);
        }
        Assert.Equal(NeuronStrength.OfInputs(layer), strength);
    }

    [Fact]
    public void Transform_gives_the_hidden_code_and_save_load_keeps_it()
    {
        var data = DaeData.Prototypes();
        using var dae = SetDae.Create(Small(epochs: 2), Device.Cpu);
        dae.Fit(data);
        var code = dae.Transform(data);
        Assert.Equal(data.Samples, code.Samples);
        Assert.Equal(40, code.Columns);
        Assert.All(code.Values, v => Assert.InRange(v, 0f, 1f)); // sigmoid code
        string path = Path.Combine(Path.GetTempPath(), $"dae-{Guid.NewGuid():N}.setgpu");
        try
        {
            dae.Save(path);
            using var loaded = SetDae.Load(path, Device.Cpu);
            Assert.Equal(code.Values, loaded.Transform(data).Values);
            Assert.Equal(dae.History.Epochs.Count, loaded.History.Epochs.Count);
            Assert.Throws<ArgumentException>(() => SetDae.Load(SetGpu.Checkpoints.TrainingCheckpoint.Load(SaveClassifier())));
        }
        finally { File.Delete(path); }
    }

    static string SaveClassifier()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlp-{Guid.NewGuid():N}.setgpu");
        using var mlp = SetMlp.Create(new SetMlpSpec { LayerSizes = [4, 5, 2], Epsilon = 1 }, Device.Cpu);
        mlp.Save(path);
        return path;
    }

    [Fact]
    public void An_autoencoder_spec_that_cannot_reconstruct_is_refused_by_field()
    {
        var ex = Assert.Throws<InvalidSpecException>(() => SetDae.Create(SetDae.DefaultSpec(10, 5) with { LayerSizes = [10, 5, 9] }, Device.Cpu));
        Assert.Contains("10 neurons, not 9", ex.Message);
        ex = Assert.Throws<InvalidSpecException>(() => SetDae.Create(SetDae.DefaultSpec(10, 5) with { InputNoise = 1f }, Device.Cpu));
        Assert.Contains("input noise", ex.Message);
        ex = Assert.Throws<InvalidSpecException>(() => SetDae.Create(SetDae.DefaultSpec(10, 5) with { OutputActivation = OutputActivation.Softmax }, Device.Cpu));
        Assert.Contains("softmax", ex.Message);
        ex = Assert.Throws<InvalidSpecException>(() => SetDae.Create(new SetMlpSpec { LayerSizes = [10, 5, 10] }, Device.Cpu));
        Assert.Contains("Target", ex.Message);
    }

    /// <summary>COIL20 (1024 pixels), QuickSelection's network: the reconstruction error on the test split falls within 3 epochs.</summary>
    [Trait(Lane.Category, Lane.Slow)]
    [Fact]
    public void Coil20_reconstruction_error_falls_within_a_few_epochs()
    {
        var split = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = Data.SharedData.Root, AllowDownload = false }).Load("coil20", seed: 1);
        using var dae = SetDae.Create(SetDae.DefaultSpec(1024, 1000) with { Epochs = 3 }, Device.Cpu);
        double before = dae.ReconstructionError(split.Test);
        var report = dae.Fit(split.Splits());
        var errors = report.Epochs.Select(e => e.Test!.Loss).ToArray();
        Assert.True(errors[^1] < 0.7 * before, $"test reconstruction error {before:G4} before, then {string.Join(", ", errors.Select(e => e.ToString("G4")))}");
        Assert.True(errors[^1] < errors[0], $"errors per epoch {string.Join(", ", errors.Select(e => e.ToString("G4")))}");
    }
}
