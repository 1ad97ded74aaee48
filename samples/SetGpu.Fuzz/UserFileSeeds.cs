using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace SetGpu.Fuzz;

/// <summary>Seeds of the <c>csv</c> and <c>numpy</c> targets: small valid files of each layout the readers take, and their damage.</summary>
internal static class UserFileSeeds
{
    public static List<(string, byte[])> Csv() =>
    [
        ("header.csv", Encoding.ASCII.GetBytes("a,b,label\n1,2.5,cat\n-3e2,4,dog\n5,6,cat\n")),
        ("quoted-crlf.csv", Encoding.ASCII.GetBytes("\"a\",\"b\",\"c\"\r\n\"1\",2,\"x, y\"\r\n3,4,z\r\n")),
        ("integers.csv", Encoding.ASCII.GetBytes("1,2,0\n3,4,1\n5,6,1.0\n")),
        ("ragged.csv", Encoding.ASCII.GetBytes("a,b,c\n1,2,0\n3\n")),
        ("bad-cell.csv", Encoding.ASCII.GetBytes("a,b,c\n1,NaN,0\n1,x,1\n")),
        ("tabs.csv", Encoding.ASCII.GetBytes("1\t2\t0\n3\t4\t1\n")),
    ];

    public static List<(string, byte[])> Numpy()
    {
        float[] x = [1, 2, 3, 4, 5, 6];
        var seeds = new List<(string, byte[])>
        {
            ("x-f4.npy", Npy(x, "<f4", "(3, 2)")),
            ("x-f8-fortran.npy", Npy(x.Select(v => (double)v).ToArray(), "<f8", "(3, 2)", fortran: true)),
            ("x-u1-3d.npy", Npy(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, "|u1", "(2, 2, 2)")),
            ("y-i8.npy", Npy(new long[] { 0, 1, 0 }, "<i8", "(3,)")),
            ("y-i4-column.npy", Npy(new[] { 3, 1, 3 }, "<i4", "(3, 1)", major: 2)),
            ("x-big-endian.npy", Npy(x, ">f4", "(3, 2)")),
            ("x-truncated.npy", Npy(x, "<f4", "(3, 2)")[..^3]),
            ("x-huge-shape.npy", Npy(x, "<f4", "(1000000000, 2)")),
        };
        foreach (var level in new[] { CompressionLevel.NoCompression, CompressionLevel.Fastest })
        {
            var zip = new MemoryStream();
            using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
                foreach (var (name, bytes) in new[] { ("X.npy", seeds[0].Item2), ("y.npy", seeds[3].Item2) })
                {
                    using var member = archive.CreateEntry(name, level).Open();
                    member.Write(bytes);
                }
            seeds.Add(($"xy-{level}.npz", zip.ToArray()));
        }
        return seeds;
    }

    static byte[] Npy<T>(T[] values, string descr, string shape, bool fortran = false, int major = 1) where T : unmanaged
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int prefix = major == 1 ? 10 : 12;
        string header = dict.PadRight((prefix + dict.Length + 1 + 63) / 64 * 64 - prefix - 1) + "\n";
        var file = new MemoryStream();
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        file.Write(major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes((uint)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        file.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        return file.ToArray();
    }
}
