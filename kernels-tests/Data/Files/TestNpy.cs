using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace SetGpu.KernelsTests.Data.Files;

/// <summary>Writes .npy bytes and .npz archives as NumPy lays them out, with the knobs the refusal tests need.</summary>
internal static class TestNpy
{
    /// <summary>An .npy file of <paramref name="values"/> with the given header fields.</summary>
    public static byte[] Array<T>(T[] values, string descr, long[] shape, bool fortran = false, int major = 1) where T : unmanaged
    {
        string dims = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {dims}, }}";
        int prefix = major == 1 ? 10 : 12;
        int padded = (prefix + dict.Length + 1 + 63) / 64 * 64; // NumPy aligns the data to 64 bytes
        string header = dict.PadRight(padded - prefix - 1) + "\n";
        using var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        if (major == 1) stream.Write(BitConverter.GetBytes((ushort)header.Length));
        else stream.Write(BitConverter.GetBytes((uint)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        return stream.ToArray();
    }

    /// <summary>A float32 (n, d) features array, C order.</summary>
    public static byte[] Features(float[,] x) =>
        Array(x.Cast<float>().ToArray(), "<f4", [x.GetLength(0), x.GetLength(1)]);

    /// <summary>An int64 (n,) labels array.</summary>
    public static byte[] Labels(params long[] y) => Array(y, "<i8", [y.Length]);

    /// <summary>Writes an .npz archive of the named .npy members.</summary>
    public static void Npz(string path, CompressionLevel level, params (string Name, byte[] Npy)[] members)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, npy) in members)
        {
            using var entry = zip.CreateEntry(name + ".npy", level).Open();
            entry.Write(npy);
        }
    }
}
