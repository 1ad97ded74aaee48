using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace SetGpu.KernelsTests.Support;

/// <summary>An independent reader of .npy (version 1.0) and .npz files, for checking what the exporter writes.</summary>
internal sealed partial class NpyArray
{
    public required string Descr { get; init; }
    public required long[] Shape { get; init; }
    public required byte[] Data { get; init; }
    public required int HeaderLength { get; init; }
    public required string Header { get; init; }

    public T[] As<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(Data).ToArray();

    public static NpyArray Read(byte[] file)
    {
        Assert.True(file.AsSpan(0, 6).SequenceEqual(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }), "magic");
        Assert.Equal(1, file[6]);
        Assert.Equal(0, file[7]);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8));
        string header = Encoding.ASCII.GetString(file, 10, length);
        var match = HeaderPattern().Match(header);
        Assert.True(match.Success, $"header {header}");
        var shape = match.Groups["shape"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        return new NpyArray
        {
            Descr = match.Groups["descr"].Value,
            Shape = shape,
            Data = file[(10 + length)..],
            HeaderLength = 10 + length,
            Header = header,
        };
    }

    /// <summary>The entries of an .npz file by name (without .npy), in the order they were written.</summary>
    public static List<(string Name, NpyArray Array)> ReadNpz(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var arrays = new List<(string, NpyArray)>();
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            Assert.EndsWith(".npy", entry.FullName);
            arrays.Add((entry.FullName[..^4], Read(memory.ToArray())));
        }
        return arrays;
    }

    [GeneratedRegex(@"^\{'descr': '(?<descr>[^']+)', 'fortran_order': False, 'shape': \((?<shape>[0-9, ]*)\), \} *\n$")]
    private static partial Regex HeaderPattern();
}
