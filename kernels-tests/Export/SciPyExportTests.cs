using System.Globalization;
using System.Text.Json;
using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.Export;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Export;

/// <summary>
/// The SciPy export: the .npy header rules, the .npz layout of scipy.sparse.save_npz read back in C#, and the files
/// loaded by real SciPy (Debian's python3-scipy at /usr/bin/python3), which must find the same values and compute the
/// same outputs as the engine. That test skips, with the reason, where SciPy is missing, and fails there instead under
/// SETGPU_REQUIRE=scipy (as .ci/run sets it).
/// </summary>
public class SciPyExportTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("<f4", new long[] { 3 }, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }")]
    [InlineData("<i8", new long[] { 2 }, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }")]
    [InlineData("|S3", new long[0], "{'descr': '|S3', 'fortran_order': False, 'shape': (), }")]
    [InlineData("<f4", new long[] { 2, 5 }, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 5), }")]
    public void Npy_header_is_numpys_version_1_0_padded_to_64_bytes(string descr, long[] shape, string dict)
    {
        var header = Npy.Header(descr, shape);
        Assert.Equal(0, header.Length % 64);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, header[..8]);
        Assert.Equal(header.Length - 10, header[8] | header[9] << 8);
        string text = System.Text.Encoding.ASCII.GetString(header, 10, header.Length - 10);
        Assert.Equal(dict + new string(' ', header.Length - 10 - dict.Length - 1) + "\n", text);
    }

    /// <summary>A trained network, raw test samples and the network's outputs for them (standardised as in training).</summary>
    SparseNetwork Trained(out Standardizer scaling, out float[] rawSamples, out float[] outputs, out int sampleCount)
    {
        var raw = Runs.Data();
        scaling = Standardizer.Fit(raw.Train);
        var data = new DatasetSplit(scaling.Transform(raw.Train), scaling.Transform(raw.Test));
        using var model = SetMlp.Create(Runs.Small(epochs: 2), Device.Cpu);
        model.Fit(data.Splits());
        sampleCount = 5;
        var few = raw.Test.Subset(Enumerable.Range(0, sampleCount).ToArray());
        rawSamples = few.Features;
        outputs = model.Predict(scaling.Transform(few)).Values;
        return model.Export();
    }

    [Fact]
    public void Layers_read_back_as_scipy_csr_npz_and_npy()
    {
        var network = Trained(out var scaling, out _, out _, out _);
        var files = SciPyExport.Write(network, _dir.Path, scaling);
        Assert.Equal(2 * network.Layers.Count + 3, files.Count);
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            var entries = NpyArray.ReadNpz(Path.Combine(_dir.Path, SciPyExport.WeightsFile(l)));
            Assert.Equal(["indices", "indptr", "format", "shape", "data"], entries.Select(e => e.Name));
            var arrays = entries.ToDictionary(e => e.Name, e => e.Array);
            Assert.All(arrays.Values, a => Assert.Equal(0, a.HeaderLength % 64));
            Assert.Equal("<i4", arrays["indices"].Descr);
            Assert.Equal(layer.Pattern.Columns, arrays["indices"].As<int>());
            Assert.Equal("<i4", arrays["indptr"].Descr);
            Assert.Equal(layer.Pattern.Offsets, arrays["indptr"].As<int>());
            Assert.Equal("|S3", arrays["format"].Descr);
            Assert.Empty(arrays["format"].Shape);
            Assert.Equal("csr"u8.ToArray(), arrays["format"].Data);
            Assert.Equal("<i8", arrays["shape"].Descr);
            Assert.Equal(new long[] { layer.Inputs, layer.Outputs }, arrays["shape"].As<long>()); // rows = inputs
            Assert.Equal("<f4", arrays["data"].Descr);
            Assert.Equal(new long[] { layer.Connections }, arrays["data"].Shape);
            Assert.Equal(layer.Weights, arrays["data"].As<float>());

            var bias = NpyArray.Read(File.ReadAllBytes(Path.Combine(_dir.Path, SciPyExport.BiasFile(l))));
            Assert.Equal("<f4", bias.Descr);
            Assert.Equal(new long[] { layer.Outputs }, bias.Shape);
            Assert.Equal(layer.Bias, bias.As<float>());
        }
    }

    [SkippableFact]
    public void Scipy_loads_the_files_with_the_same_values_and_outputs()
    {
        string python = Requirement.Scipy.Require();
        var network = Trained(out var scaling, out var samples, out var outputs, out int count);
        string export = Path.Combine(_dir.Path, "export");
        SciPyExport.Write(network, export, scaling);

        // What SciPy must find: every value as text that round-trips float32 exactly, and the engine's outputs.
        static string[] Text(float[] values) => values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
        var expected = new
        {
            layers = network.Layers.Select(l => new
            {
                shape = new[] { l.Inputs, l.Outputs },
                indptr = l.Pattern.Offsets,
                indices = l.Pattern.Columns,
                data = Text(l.Weights),
                bias = Text(l.Bias),
            }).ToArray(),
            samples = Text(samples),
            outputs = Text(outputs),
            count,
        };
        string json = Path.Combine(_dir.Path, "expected.json");
        File.WriteAllText(json, JsonSerializer.Serialize(expected));
        string script = Path.Combine(_dir.Path, "check.py");
        File.WriteAllText(script, """
            import json, sys
            import numpy as np, scipy.sparse as sp
            folder, expected = sys.argv[1], json.load(open(sys.argv[2]))
            f32 = lambda xs: np.array([float(x) for x in xs], dtype=np.float32)
            n = len(expected["layers"])
            raw = f32(expected["samples"]).reshape(expected["count"], -1)
            x = (raw - np.load(f"{folder}/input_mean.npy")) / np.load(f"{folder}/input_std.npy")
            for l, e in enumerate(expected["layers"]):
                W = sp.load_npz(f"{folder}/layer{l}_weights.npz")
                b = np.load(f"{folder}/layer{l}_bias.npy")
                assert sp.isspmatrix_csr(W) or W.format == "csr", W.format
                assert W.shape == tuple(e["shape"]), (W.shape, e["shape"])
                assert W.dtype == np.float32 and b.dtype == np.float32, (W.dtype, b.dtype)
                assert np.array_equal(W.indptr, np.array(e["indptr"])), "indptr"
                assert np.array_equal(W.indices, np.array(e["indices"])), "indices"
                assert np.array_equal(W.data, f32(e["data"])), "data"
                assert np.array_equal(b, f32(e["bias"])), "bias"
                # The layer as SetGpu computes it: rows of W are inputs, x @ W + b.
                z = (W.T @ x.T).T.astype(np.float64) + b
                x = np.maximum(z, 0) if l < n - 1 else np.exp(z - z.max(1, keepdims=True)) / np.exp(z - z.max(1, keepdims=True)).sum(1, keepdims=True)
            y = f32(expected["outputs"]).reshape(x.shape)
            err = np.abs(x - y).max()
            assert err < 1e-5, f"outputs differ by {err}"
            print(f"scipy {__import__('scipy').__version__}: {n} layers, nnz {[len(e['indices']) for e in expected['layers']]}, outputs within {err:.2e}")
            """);
        var (code, output) = Programs.Run(python, script, export, json);
        Assert.True(code == 0, $"python exited with {code}:\n{output}");
        Assert.Contains("scipy", output);
    }
}
