using System.Buffers.Binary;
using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.KernelsTests.Data;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Sparse;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Checkpoints;

/// <summary>
/// The checkpoint file: what a save writes comes back bit for bit, and every damaged, foreign or newer file is refused
/// with an error that names the file and the problem, changing nothing.
/// </summary>
public class CheckpointFileTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    /// <summary>A checkpoint after two epochs of the small run, with standardisation statistics.</summary>
    static TrainingCheckpoint Trained()
    {
        var raw = Runs.Data();
        var scaling = Standardizer.Fit(raw.Train);
        var data = new DatasetSplit(scaling.Transform(raw.Train), scaling.Transform(raw.Test));
        using var model = SetMlp.Create(Runs.Small(epochs: 4), Device.Cpu);
        model.Fit(data.Splits(), new FitOptions { MaxEpochs = 2 });
        return model.Capture(Runs.Identity(data), scaling);
    }

    string Saved(out TrainingCheckpoint checkpoint)
    {
        checkpoint = Trained();
        string path = _dir.File("run.ckpt");
        checkpoint.Save(path);
        return path;
    }

    [Fact]
    public void Save_and_load_give_back_the_whole_state()
    {
        string path = Saved(out var saved);
        var loaded = TrainingCheckpoint.Load(path);

        Runs.AssertIdentical(saved.Network!, loaded.Network!);
        Runs.AssertSameMetrics(saved.Report, loaded.Report);
        var (a, b) = ((SetMlpSpec)saved.Spec, (SetMlpSpec)loaded.Spec);
        Assert.Equal(a.LayerSizes, b.LayerSizes);
        Assert.Equal(a with { LayerSizes = [] }, b with { LayerSizes = [] });
        Assert.Null(loaded.Rbm);
        Assert.False(loaded.InProgress.InProgress);
        Assert.Equal(saved.Data, loaded.Data);
        Assert.Equal(saved.Scaling!.Mean, loaded.Scaling!.Mean);
        Assert.Equal(saved.Scaling.Std, loaded.Scaling.Std);
        Assert.Equal(2, loaded.EpochsCompleted);
        Assert.False(loaded.IsComplete);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void File_size_grows_with_connections_not_with_positions()
    {
        string path = Saved(out var saved);
        long connections = saved.Network!.Connections;
        long neurons = saved.Network.Layers.Sum(l => (long)l.Inputs + 1 + 2L * l.Outputs);
        long arrays = connections * (4 + 4 + 4) + neurons * 4; // columns, weights, velocities; offsets, biases, bias velocities
        long size = new FileInfo(path).Length;
        Assert.InRange(size - arrays - CheckpointFile.HeaderSize, 0, 64 * 1024); // the rest is the JSON metadata
    }

    [Fact]
    public void A_save_that_fails_leaves_the_previous_checkpoint_and_no_temporary_file()
    {
        string path = Saved(out _);
        var before = File.ReadAllBytes(path);
        Assert.Throws<IOException>(() => CheckpointFile.WriteAtomically(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new IOException("disk full (simulated)");
        }));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(File.Exists(CheckpointFile.TemporaryPath(path)));
        TrainingCheckpoint.Load(path);
    }

    public static TheoryData<string, string> Damages => new()
    {
        { "empty", "the file is empty" },
        { "truncated-in-magic", "truncated" },
        { "truncated-in-header", "shorter than the 56-byte header" },
        { "truncated-in-payload", "truncated: the header announces a payload of" },
        { "truncated-one-byte", "truncated: the header announces a payload of" },
        { "appended", "unexpected bytes after the" },
        { "flipped-magic", "not a SetGpu checkpoint" },
        { "flipped-payload-start", "checksum mismatch" },
        { "flipped-payload-middle", "checksum mismatch" },
        { "flipped-payload-end", "checksum mismatch" },
        { "flipped-checksum", "checksum mismatch" },
        { "flipped-length", "payload" },
        { "reserved", "reserved header field" },
        { "newer-version", "written by a newer SetGpu, format version 3, this build reads ≤ 2" },
        { "older-version", "format version 1, written by an earlier SetGpu; this build reads version 2" },
        { "version-zero", "format version 0" },
        { "random-bytes", "not a SetGpu checkpoint" },
        { "json-report", "perhaps JSON" },
        { "npz-export", "zip archive" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Damaged_foreign_and_newer_files_fail_clearly_and_stay_untouched(string damage, string expected)
    {
        string good = Saved(out var checkpoint);
        var bytes = File.ReadAllBytes(good);
        string path = _dir.File($"{damage}.ckpt");
        File.WriteAllBytes(path, Damage(damage, bytes, checkpoint));
        var before = File.ReadAllBytes(path);
        var modified = File.GetLastWriteTimeUtc(path);

        var error = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(path));

        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(modified, File.GetLastWriteTimeUtc(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    byte[] Damage(string damage, byte[] good, TrainingCheckpoint checkpoint)
    {
        var b = (byte[])good.Clone();
        int h = CheckpointFile.HeaderSize;
        switch (damage)
        {
            case "empty": return [];
            case "truncated-in-magic": return b[..5];
            case "truncated-in-header": return b[..30];
            case "truncated-in-payload": return b[..(b.Length / 2)];
            case "truncated-one-byte": return b[..^1];
            case "appended": return [.. b, 0, 1, 2];
            case "flipped-magic": b[3] ^= 0x20; return b;
            case "flipped-payload-start": b[h] ^= 1; return b;
            case "flipped-payload-middle": b[h + (b.Length - h) / 2] ^= 0x10; return b;
            case "flipped-payload-end": b[^1] ^= 0x80; return b;
            case "flipped-checksum": b[40] ^= 4; return b;
            case "flipped-length": b[17] ^= 2; return b;
            case "reserved": b[12] = 1; return b;
            case "newer-version": BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 3); return b;
            case "older-version": return OlderVersion(b);
            case "version-zero": BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 0); return b;
            case "random-bytes": new Random(5).NextBytes(b); return b;
            case "json-report":
                return System.Text.Encoding.UTF8.GetBytes(checkpoint.Report.ToJson());
            case "npz-export":
                string folder = _dir.File("export");
                SetGpu.Export.SciPyExport.Write(checkpoint.Network!, folder);
                return File.ReadAllBytes(Path.Combine(folder, "layer0_weights.npz"));
            default: throw new ArgumentException(damage);
        }
    }

    /// <summary>A format-version-1 file, as the SetGpu before this one wrote them: same container, the old version number.</summary>
    static byte[] OlderVersion(byte[] good)
    {
        string path = Path.Combine(Path.GetTempPath(), $"v1-{Guid.NewGuid():N}.ckpt");
        try
        {
            CheckpointFile.WriteAtomically(path, s => s.Write(good.AsSpan(CheckpointFile.HeaderSize)), version: 1);
            return File.ReadAllBytes(path);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Newer_version_is_refused_even_when_its_checksum_is_right()
    {
        // A newer SetGpu may change everything after the header: the version is read before anything else.
        var checkpoint = Trained();
        string path = _dir.File("v9.ckpt");
        CheckpointFile.WriteAtomically(path, s => s.Write(new byte[] { 1, 2, 3 }), version: 9);
        var error = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(path));
        Assert.Contains("written by a newer SetGpu, format version 9, this build reads ≤ 2", error.Message);
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        string path = _dir.File("absent.ckpt");
        var error = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(path));
        Assert.Equal($"{path}: no such file", error.Message);
    }

    public static TheoryData<string, string> BrokenTopologies => new()
    {
        { "unsorted", "row 1 columns not sorted and unique" },
        { "duplicate", "row 1 columns not sorted and unique" },
        { "out-of-range", "outside 0.." },
        { "offsets-decrease", "offsets decrease at row" },
        { "nan-weight", "layer 0 weight 3 is NaN" },
    };

    /// <summary>A file with a valid checksum over an invalid network (written by a buggy program, say) is refused too.</summary>
    [Theory]
    [MemberData(nameof(BrokenTopologies))]
    public void Invalid_topology_with_a_valid_checksum_is_refused(string breakage, string expected)
    {
        var checkpoint = Trained();
        var layer = checkpoint.Network!.Layers[0];
        var offsets = (int[])layer.Pattern.Offsets.Clone();
        var columns = (int[])layer.Pattern.Columns.Clone();
        var weights = (float[])layer.Weights.Clone();
        int start = offsets[1];
        Assert.True(offsets[2] - start >= 2, "row 1 needs two connections for this test");
        switch (breakage)
        {
            case "unsorted": (columns[start], columns[start + 1]) = (columns[start + 1], columns[start]); break;
            case "duplicate": columns[start + 1] = columns[start]; break;
            case "out-of-range": columns[offsets[2] - 1] = layer.Outputs; break;
            case "offsets-decrease": offsets[2] = offsets[1] - 1; break;
            case "nan-weight": weights[3] = float.NaN; break;
        }
        var broken = new SparseLayer(layer.Inputs, layer.Outputs, layer.Activation, layer.Init, new CsrPattern(offsets, columns),
                                     weights, layer.WeightVelocity, layer.Bias, layer.BiasVelocity);
        var network = new SparseNetwork(checkpoint.Network.Spec, [broken, .. checkpoint.Network.Layers.Skip(1)]);
        string path = _dir.File($"{breakage}.ckpt");
        new TrainingCheckpoint { Network = network, Report = checkpoint.Report, Data = checkpoint.Data }.Save(path);

        var error = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(path));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Data_identity_names_the_field_that_differs()
    {
        var data = Runs.Data();
        var identity = Runs.Identity(data);
        Assert.Empty(identity.Differences(Runs.Identity(Runs.Data())));

        var otherSeed = DataIdentity.Of(data, "blobs", 3, "none");
        Assert.Equal(["split seed: the checkpoint has 2, the data given have 3"], identity.Differences(otherSeed));

        var features = (float[])data.Train.Features.Clone();
        features[17] += 1e-3f;
        var changed = new DatasetSplit(new Dataset("blobs-train", features, data.Train.Labels, data.Train.FeatureCount, data.Train.Classes), data.Test);
        var difference = Assert.Single(identity.Differences(Runs.Identity(changed)));
        Assert.StartsWith("data fingerprint:", difference);
    }
}
