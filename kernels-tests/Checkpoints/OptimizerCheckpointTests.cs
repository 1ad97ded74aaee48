using System.Text.Json;
using SetGpu.Checkpoints;
using SetGpu.Export;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Checkpoints;

/// <summary>
/// Checkpoints and exports of models with Adam's two state arrays and SReLU's parameters: everything comes back bit for
/// bit, the file grows by exactly those arrays, a state count other than the specification's optimiser's is refused
/// naming both, and SciPy export writes SReLU's parameters where network.json says.
/// </summary>
public class OptimizerCheckpointTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    static TrainingCheckpoint Trained(string variant)
    {
        using var model = SetMlp.Create(Runs.Small(variant, epochs: 3), Device.Cpu);
        model.Fit(Runs.Data().Splits(), new FitOptions { MaxEpochs = 1 });
        return model.Capture(null, null);
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("adamw-srelu")]
    public void Save_and_load_give_back_every_state_array_and_the_srelu_parameters(string variant)
    {
        var saved = Trained(variant);
        string path = _dir.File("run.ckpt");
        saved.Save(path);
        var loaded = TrainingCheckpoint.Load(path);
        Runs.AssertIdentical(saved.Network!, loaded.Network!);
        Assert.Equal(saved.Spec, loaded.Spec);
        var first = loaded.Network!.Layers[0];
        Assert.Equal(2, first.StateArrays);
        Assert.Contains(first.WeightState[1], v => v > 0); // Adam's second moments were trained and kept

        // Per connection: column, weight, m, v; per layer: offsets, biases and their m and v; SReLU: 4 parameters and
        // their m and v per hidden neuron.
        var network = saved.Network!;
        long arrays = network.Connections * 4 * 4 + network.Layers.Sum(l => 4L * (l.Inputs + 1 + 3 * l.Outputs))
                      + network.Layers.Sum(l => 4L * 3 * (l.ActivationParameters?.Length ?? 0));
        Assert.InRange(new FileInfo(path).Length - arrays - CheckpointFile.HeaderSize, 0, 64 * 1024);
    }

    [Fact]
    public void A_state_count_other_than_the_optimisers_is_refused_naming_both()
    {
        var adam = Trained("adam");
        // The same network under an SGD specification: the file holds two state arrays where SGD keeps one.
        var sgdReport = adam.Report with { Spec = Runs.Small(epochs: 3) };
        string path = _dir.File("mismatch.ckpt");
        new TrainingCheckpoint { Report = sgdReport, Network = adam.Network }.Save(path);
        var error = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(path));
        Assert.Contains("layer 0 has 2 optimiser state arrays; the specification's optimiser (Sgd) keeps 1", error.Message);
        Assert.Contains("mismatch.ckpt", error.Message);
    }

    [Fact]
    public void SciPy_export_writes_srelu_parameters_named_in_network_json()
    {
        var network = Trained("adamw-srelu").Network!;
        var files = SciPyExport.Write(network, _dir.Path);
        int hidden = network.Layers.Count - 1;
        Assert.Equal(2 * network.Layers.Count + hidden + 1, files.Count);
        using var description = JsonDocument.Parse(File.ReadAllText(_dir.File(SciPyExport.DescriptionFile)));
        var named = description.RootElement.GetProperty("srelu").EnumerateArray().Select(e => e.GetString()).ToArray();
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            if (layer.ActivationParameters is null)
            {
                Assert.Null(named[l]);
                continue;
            }
            Assert.Equal(SciPyExport.SReluFile(l), named[l]);
            var array = NpyArray.Read(File.ReadAllBytes(_dir.File(named[l]!)));
            Assert.Equal("<f4", array.Descr);
            Assert.Equal(new long[] { 4, layer.Outputs }, array.Shape);
            Assert.Equal(TestLayers.Bits(layer.ActivationParameters), TestLayers.Bits(array.As<float>()));
            // Row 1 is a_left, row 3 a_right: the planes SReluParameters documents.
            Assert.Equal(layer.ActivationParameters[SReluParameters.RightSlope * layer.Outputs], array.As<float>()[3 * layer.Outputs]);
        }
        Assert.Equal("srelu", description.RootElement.GetProperty("activations")[0].GetString());
    }
}
