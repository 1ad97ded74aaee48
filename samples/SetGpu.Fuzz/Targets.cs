using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Training;

namespace SetGpu.Fuzz;

/// <summary>
/// Every reader of outside bytes, as a fuzz target. Each target runs its steps on one input; a step may be refused
/// with the target's format exception, independently of the others, so that one input exercises several entries.
/// </summary>
public static class Targets
{
    /// <summary>Target names, in the order CI fuzzes them.</summary>
    public static IReadOnlyList<string> Names => [.. All.Select(t => t.Name)];

    internal static readonly FuzzTarget[] All =
    [
        new("mat", typeof(DataFormatException), [ReadMat, ReadMatRecompressed], NeedsFile: false),
        new("idx", typeof(DataFormatException), [ReadIdxImages, ReadIdxLabels, ReadIdxGzipped], NeedsFile: true),
        new("madelon", typeof(DataFormatException), [ReadMadelonData, ReadMadelonLabels, ReadMadelonPair], NeedsFile: true),
        new("checkpoint", typeof(CheckpointFormatException), [ReadCheckpointFile, ReadPayload, ReadPayloadInContainer], NeedsFile: true),
        new("report", typeof(ReportFormatException), [ReadReport], NeedsFile: true),
        new("csv", typeof(DataFormatException), [ReadCsvWithHeader, ReadCsvLabelFirst], NeedsFile: true),
        new("numpy", typeof(DataFormatException), [ReadNpyFeatures, ReadNpyLabels, ReadNpzMembers, ReadNpzArchive], NeedsFile: true),
    ];

    internal static FuzzTarget Get(string name) => All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"no fuzz target '{name}'; the targets are {string.Join(", ", Names)}");

    /// <summary>The sparse densification limit, lowered from 2 GiB so that inputs reach the check within the memory budget.</summary>
    const long MaxDenseElements = 1 << 20;

    /// <summary>
    /// Runs <paramref name="input"/> through target <paramref name="name"/> with the file at <paramref name="path"/>;
    /// returns the refusals (empty when every step loaded) and throws <see cref="ContractViolation"/> on a finding.
    /// </summary>
    public static IReadOnlyList<string> Run(string name, byte[] input, string path) => Contract.Check(Get(name), input, path);

    // MAT level 5: the file as given, then its elements (after the 128-byte header) inside one valid zlib stream, so
    // that mutations reach the inflated matrix parser past the Adler-32 checksum.
    static void ReadMat(byte[] input, string path) => MatDataset.FromFile(MatParser.Parse(input, path, MaxDenseElements));

    static void ReadMatRecompressed(byte[] input, string path)
    {
        if (input.Length < 128) return;
        bool bigEndian = input[126] == 'M';
        var file = new MemoryStream();
        file.Write(input, 0, 128);
        // Each top-level element in a compressed element of its own, as MATLAB writes them; the elements are cut at
        // their declared lengths, the last one at the end of the input.
        var tag = new byte[8];
        for (int pos = 128; pos < input.Length;)
        {
            long declared = input.Length - pos >= 8 ? ReadU32(input.AsSpan(pos + 4), bigEndian) : 0;
            int length = (int)Math.Min(input.Length - pos, 8 + ((declared + 7) & ~7L));
            var z = new MemoryStream();
            using (var zs = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true)) zs.Write(input, pos, length);
            WriteU32(tag, 15, bigEndian);
            WriteU32(tag.AsSpan(4), (uint)z.Length, bigEndian);
            file.Write(tag);
            file.Write(z.GetBuffer(), 0, (int)z.Length);
            pos += length;
        }
        MatDataset.FromFile(MatParser.Parse(file.ToArray(), path, MaxDenseElements));
    }

    static uint ReadU32(ReadOnlySpan<byte> source, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(source) : BinaryPrimitives.ReadUInt32LittleEndian(source);

    // IDX: as images, as labels, and gzip-compressed (the reader detects gzip from the content). Images that load are
    // paired with labels of their count, so that the dataset is built from them.
    static void ReadIdxImages(byte[] input, string path)
    {
        var images = IdxReader.ReadImages(path);
        if (images.Count > input.Length) return; // images of no pixels: labels for them would be the harness's allocation
        string labels = path + ".labels";
        var file = new byte[8 + images.Count];
        BinaryPrimitives.WriteUInt32BigEndian(file, IdxReader.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4), images.Count);
        File.WriteAllBytes(labels, file);
        MnistLoader.Load(path, labels);
    }

    static void ReadIdxLabels(byte[] input, string path) => IdxReader.ReadLabels(path);

    static void ReadIdxGzipped(byte[] input, string path)
    {
        if (input.Length >= 2 && input[0] == 0x1F && input[1] == 0x8B) return; // already gzip: read as it is
        string gz = path + ".gz";
        using (var file = File.Create(gz))
        using (var zs = new GZipStream(file, CompressionLevel.Fastest)) zs.Write(input);
        IdxReader.ReadImages(gz);
    }

    // Madelon: the file as data, as labels, and as both of a pair.
    static void ReadMadelonData(byte[] input, string path) => MadelonReader.ReadData(path);
    static void ReadMadelonLabels(byte[] input, string path) => MadelonReader.ReadLabels(path);
    static void ReadMadelonPair(byte[] input, string path) => MadelonReader.Load(path, path);

    // Checkpoints: the file as it is (magic, version, lengths, checksum), the bytes as a payload directly (below the
    // checksum), and the bytes as the payload of a container whose checksum is right (the whole load path).
    static void ReadCheckpointFile(byte[] input, string path) => TrainingCheckpoint.Load(path);

    static void ReadPayload(byte[] input, string path) =>
        TrainingCheckpoint.ReadPayload(new MemoryStream(input, writable: false), input.Length, path);

    static void ReadPayloadInContainer(byte[] input, string path)
    {
        string wrapped = path + ".ckpt";
        var file = new byte[CheckpointFile.HeaderSize + input.Length];
        CheckpointFile.Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), CheckpointFile.CurrentVersion);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(16), input.Length);
        SHA256.HashData(input, file.AsSpan(24, 32));
        input.CopyTo(file, CheckpointFile.HeaderSize);
        File.WriteAllBytes(wrapped, file);
        TrainingCheckpoint.Load(wrapped); // its errors name the wrapped file, whose path starts with the input's
    }

    // The JSON report that `plot` reads, and what plot reads from it.
    static void ReadReport(byte[] input, string path)
    {
        var report = TrainingReport.Load(path);
        _ = report.IsComplete;
        foreach (var epoch in report.Epochs) _ = (epoch.Test ?? epoch.Validation)?.Accuracy + epoch.LayerConnections.Length;
    }

    // A user's CSV: with a header and the label last, and without one, the label first (DataFiles picks the reader by
    // extension, so the input is copied to a .csv name).
    static void ReadCsvWithHeader(byte[] input, string path) => DataFiles.Load(Copy(input, path, ".csv"));
    static void ReadCsvLabelFirst(byte[] input, string path) =>
        DataFiles.Load(Copy(input, path, ".tsv"), new DataFileOptions { HasHeader = false, Label = "1" });

    // NumPy: the input as a features .npy and as a labels .npy (each with a valid partner), as both members of a
    // stored .npz, and as an .npz archive itself.
    static void ReadNpyFeatures(byte[] input, string path)
    {
        string x = Copy(input, path, ".X.npy");
        var header = NpyHeader.Read(new MemoryStream(input), x);
        long rows = header.Shape.Length > 0 ? header.Shape[0] : 0;
        DataFiles.Load($"{x},{NpyFile(path, ".y.npy", Alternating(Math.Clamp(rows, 0, 1024)), "<i8")}");
    }

    static void ReadNpyLabels(byte[] input, string path)
    {
        string y = Copy(input, path, ".y.npy");
        var header = NpyHeader.Read(new MemoryStream(input), y);
        long rows = header.Shape.Length > 0 ? Math.Clamp(header.Shape[0], 0, 1024) : 0;
        DataFiles.Load($"{NpyFile(path, ".X.npy", new float[rows * 2], "<f4", rows, 2)},{y}");
    }

    static void ReadNpzMembers(byte[] input, string path)
    {
        var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
            foreach (string name in new[] { "X.npy", "y.npy" })
            {
                using var member = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                member.Write(input);
            }
        DataFiles.Load(Copy(bytes.ToArray(), path, ".members.npz"));
    }

    static void ReadNpzArchive(byte[] input, string path) => DataFiles.Load(Copy(input, path, ".npz"));

    /// <summary>Labels 0, 1, 0, 1, …: two classes, so that a partner file is never refused for its labels.</summary>
    static long[] Alternating(long count) => [.. Enumerable.Range(0, (int)count).Select(i => (long)(i % 2))];

    static string Copy(byte[] input, string path, string suffix)
    {
        File.WriteAllBytes(path + suffix, input);
        return path + suffix;
    }

    /// <summary>A valid .npy file of <paramref name="values"/> (1-D, or rows × columns), the partner of a fuzzed one.</summary>
    static string NpyFile<T>(string path, string suffix, T[] values, string descr, long rows = -1, long columns = 0) where T : unmanaged
    {
        string shape = rows < 0 ? $"({values.Length},)" : $"({rows}, {columns})";
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}".PadRight(117) + "\n";
        var file = new MemoryStream();
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(System.Text.Encoding.ASCII.GetBytes(header));
        file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        File.WriteAllBytes(path + suffix, file.ToArray());
        return path + suffix;
    }

    static void WriteU32(Span<byte> target, uint value, bool bigEndian)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(target, value);
        else BinaryPrimitives.WriteUInt32LittleEndian(target, value);
    }
}
