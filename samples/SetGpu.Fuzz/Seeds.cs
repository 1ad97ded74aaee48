using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Training;
using Storage = SetGpu.Fuzz.MatSeedWriter.Storage;

namespace SetGpu.Fuzz;

/// <summary>
/// The seed corpora: the real files of shared/data cut down to a few samples and features (the readers' real layouts:
/// compressed MAT-files with narrow storage types, gzip IDX, Madelon text), files of every numeric class and layout the
/// readers accept, the kinds of damage the tests make, and checkpoints and reports of small real runs.
/// </summary>
internal static class Seeds
{
    public static IEnumerable<(string Target, int Count)> Write(string output, string data)
    {
        var corpora = new Dictionary<string, List<(string Name, byte[] Bytes)>>
        {
            ["mat"] = Mat(data), ["idx"] = Idx(data), ["madelon"] = Madelon(data), ["checkpoint"] = [], ["report"] = [],
            ["csv"] = UserFileSeeds.Csv(), ["numpy"] = UserFileSeeds.Numpy(),
        };
        Runs(corpora["checkpoint"], corpora["report"]);
        foreach (var (target, seeds) in corpora)
        {
            string dir = Path.Combine(output, target);
            Directory.CreateDirectory(dir);
            foreach (var (name, bytes) in seeds) File.WriteAllBytes(Path.Combine(dir, name), bytes);
            yield return (target, seeds.Count);
        }
    }

    static List<(string, byte[])> Mat(string data)
    {
        var seeds = new List<(string, byte[])>();
        foreach (var file in new[] { "COIL20.mat", "asu/Yale.mat", "asu/madelon.mat", "asu/PCMAC.mat" })
        {
            string path = Path.Combine(data, file);
            if (!File.Exists(path)) continue;
            var mat = MatFile.Read(path);
            var (x, y) = (mat.Get("X"), mat.Get("Y"));
            // Two samples of each of the first two classes.
            var first = y.Values[0];
            int other = Array.FindIndex(y.Values, v => v != first);
            int[] rows = [0, Array.FindIndex(y.Values, 1, v => v == first), other, Array.FindIndex(y.Values, other + 1, v => v != first)];
            int cols = Math.Min(6, x.Columns);
            double[] xs = [.. Enumerable.Range(0, cols).SelectMany(c => rows.Select(r => x[r, c]))];
            double[] ys = [.. rows.Select(r => y.Values[r])];
            string stem = Path.GetFileNameWithoutExtension(file);
            foreach (bool compress in new[] { true, false })
                seeds.Add(($"{stem}{(compress ? "" : "-uncompressed")}.mat", new MatSeedWriter(compress: compress)
                    .Dense("X", [4, cols], xs, MatSeedWriter.Narrowest(xs)).Dense("Y", [4, 1], ys, MatSeedWriter.Narrowest(ys)).ToBytes()));
        }
        double[] labels = [1, 2, 1, 2], features = [0, 1, 2, 3, 4, 5, 6, 7];
        (Storage Storage, byte Class)[] classes =
        [
            (Storage.Double, 6), (Storage.Single, 7), (Storage.Int8, 8), (Storage.UInt8, 9), (Storage.Int16, 10), (Storage.UInt16, 11),
            (Storage.Int32, 12), (Storage.UInt32, 13), (Storage.Int64, 14), (Storage.UInt64, 15),
        ];
        foreach (var (storage, cls) in classes)
            seeds.Add(($"class-{cls}-{storage}.mat".ToLowerInvariant(), new MatSeedWriter(compress: false)
                .Dense("X", [4, 2], features, storage, cls).Dense("Y", [4, 1], labels, storage, cls).ToBytes()));
        seeds.Add(("sparse.mat", new MatSeedWriter(compress: false).Sparse("X", 4, 2, [0, 1, 0, 2, 3, 0, 0, 4]).Dense("Y", [4, 1], labels).ToBytes()));
        seeds.Add(("sparse-compressed.mat", new MatSeedWriter().Sparse("X", 4, 2, [0, 1, 0, 2, 3, 0, 0, 4]).Dense("Y", [4, 1], labels).ToBytes()));
        seeds.Add(("logical-chars-3d.mat", new MatSeedWriter(compress: false).Dense("X", [4, 2], [0, 1, 1, 0, 1, 0, 0, 1], Storage.UInt8, 9, logical: true)
            .Dense("Y", [4, 1], [-1, 1, -1, 1], Storage.Int8).Chars("s", "note").Dense("T", [2, 2, 2], features).ToBytes()));
        seeds.Add(("big-endian.mat", new MatSeedWriter(bigEndian: true).Dense("X", [4, 2], features, Storage.Int16).Dense("Y", [4, 1], labels).ToBytes()));
        seeds.Add(("big-endian-uncompressed.mat", new MatSeedWriter(bigEndian: true, compress: false).Dense("X", [4, 2], features).Dense("Y", [4, 1], labels, Storage.UInt8).ToBytes()));
        // The damage the tests make: a truncated file, a flipped bit in the zlib data, a v7.3 header.
        var whole = seeds[0].Item2;
        seeds.Add(("truncated.mat", whole[..(whole.Length - 9)]));
        var flipped = (byte[])whole.Clone();
        flipped[150] ^= 0x10;
        seeds.Add(("flipped.mat", flipped));
        var hdf5 = (byte[])whole.Clone();
        Encoding.ASCII.GetBytes("MATLAB 7.3 MAT-file").CopyTo(hdf5, 0);
        seeds.Add(("v73.mat", hdf5));
        return seeds;
    }

    static List<(string, byte[])> Idx(string data)
    {
        var seeds = new List<(string, byte[])>();
        foreach (var set in new[] { "mnist", "fashion-mnist" })
        {
            string images = Path.Combine(data, set, "t10k-images-idx3-ubyte.gz"), labels = Path.Combine(data, set, "t10k-labels-idx1-ubyte.gz");
            if (!File.Exists(images) || !File.Exists(labels)) continue;
            var all = IdxReader.ReadImages(images);
            // Two images cut down to their central 6 × 6 pixels.
            var pixels = new byte[2 * 36];
            for (int i = 0; i < 2; i++)
                for (int r = 0; r < 6; r++)
                    all.Pixels.AsSpan(i * all.Rows * all.Columns + (11 + r) * all.Columns + 11, 6).CopyTo(pixels.AsSpan(i * 36 + r * 6));
            var imageFile = IdxFile(IdxReader.ImagesMagic, [2, 6, 6], pixels);
            var labelFile = IdxFile(IdxReader.LabelsMagic, [8], IdxReader.ReadLabels(labels)[..8]);
            seeds.Add(($"{set}-images", imageFile));
            seeds.Add(($"{set}-images.gz", Gzip(imageFile)));
            seeds.Add(($"{set}-labels", labelFile));
            seeds.Add(($"{set}-labels.gz", Gzip(labelFile)));
            seeds.Add(($"{set}-images-truncated", imageFile[..^5]));
            seeds.Add(($"{set}-labels-trailing", [.. labelFile, 0]));
        }
        return seeds;
    }

    static List<(string, byte[])> Madelon(string data)
    {
        var seeds = new List<(string, byte[])>();
        string train = Path.Combine(data, "madelon", "madelon_train.data"), labels = Path.Combine(data, "madelon", "madelon_train.labels");
        if (File.Exists(train) && File.Exists(labels))
        {
            var lines = File.ReadLines(train).Take(4).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(8)) + " ");
            seeds.Add(("train.data", Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n")));
            seeds.Add(("train.labels", Encoding.ASCII.GetBytes(string.Join('\n', File.ReadLines(labels).Take(4)) + "\n")));
        }
        seeds.Add(("pair", Encoding.ASCII.GetBytes("-1\n1\n\n1\r\n-1\n")));
        seeds.Add(("ragged.data", Encoding.ASCII.GetBytes("1 2 3\n4 5\n")));
        seeds.Add(("floats.data", Encoding.ASCII.GetBytes("1.5e3\t-2 NaN\n+0 1E-40 3.4e38\n")));
        return seeds;
    }

    /// <summary>Checkpoints and reports of a tiny SET-MLP (standardised) and a tiny persistent SET-RBM, two epochs each.</summary>
    static void Runs(List<(string, byte[])> checkpoints, List<(string, byte[])> reports)
    {
        string dir = Directory.CreateTempSubdirectory("setgpu-fuzz-seeds").FullName;
        try
        {
            var train = SyntheticData.Classification(new SyntheticClassificationOptions { Samples = 16, Features = 6, Redundant = 0 }, 1);
            var scaling = Standardizer.Fit(train);
            var identity = new DataIdentity { Name = "synthetic", Fingerprint = new string('0', 64) };
            using (var mlp = SetMlp.Create(new SetMlpSpec { LayerSizes = [6, 4, 2], Epsilon = 1, Epochs = 2, BatchSize = 8, Seed = 1 }, Device.Cpu))
                Add("mlp", mlp, new TrainingData(train), identity, scaling);
            var binary = new Dataset("binary", [.. Enumerable.Range(0, 48).Select(i => (float)(i * 7 % 3 == 0 ? 1 : 0))], [.. Enumerable.Range(0, 8).Select(i => i % 2)], 6, 2);
            using (var rbm = SetRbm.Create(new SetRbmSpec { Visible = 6, Hidden = 3, Epsilon = 1, Epochs = 2, BatchSize = 4, Persistent = true, Seed = 1 }, Device.Cpu))
                Add("rbm", rbm, new TrainingData(binary), identity, null);
        }
        finally { Directory.Delete(dir, recursive: true); }

        void Add(string name, SetModel model, TrainingData data, DataIdentity identity, Standardizer? scaling)
        {
            string path = Path.Combine(dir, name + ".ckpt"), report = Path.Combine(dir, name + ".json");
            model.Fit(data, new FitOptions { Checkpoints = new CheckpointPolicy { Path = path, Data = identity, Scaling = scaling } });
            model.History.Save(report);
            var file = File.ReadAllBytes(path);
            checkpoints.Add(($"{name}.ckpt", file));
            checkpoints.Add(($"{name}.payload", file[CheckpointFile.HeaderSize..]));
            checkpoints.Add(($"{name}-truncated.ckpt", file[..^1]));
            reports.Add(($"{name}.json", File.ReadAllBytes(report)));
        }
    }

    static byte[] IdxFile(uint magic, int[] dims, byte[] values)
    {
        var file = new byte[4 + 4 * dims.Length + values.Length];
        BinaryPrimitives.WriteUInt32BigEndian(file, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + 4 * i), dims[i]);
        values.CopyTo(file, 4 + 4 * dims.Length);
        return file;
    }

    static byte[] Gzip(byte[] bytes)
    {
        var z = new MemoryStream();
        using (var gz = new GZipStream(z, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(bytes);
        return z.ToArray();
    }
}
