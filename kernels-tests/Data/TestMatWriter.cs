using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SetGpu.KernelsTests.Data;

/// <summary>Storage types (miINT8 …) the writer can use for numeric data.</summary>
public enum MiType { Int8 = 1, UInt8 = 2, Int16 = 3, UInt16 = 4, Int32 = 5, UInt32 = 6, Single = 7, Double = 9, Int64 = 12, UInt64 = 13 }

/// <summary>
/// A minimal level-5 MAT-file writer for crafting test inputs: dense numeric arrays in any storage type, sparse
/// arrays, char arrays; compressed or not; either byte order; names of up to 4 bytes use the small element format.
/// </summary>
internal sealed class TestMatWriter(bool bigEndian = false, bool compress = true, CompressionLevel level = CompressionLevel.Optimal)
{
    private readonly List<byte[]> _matrices = [];

    /// <summary>Adds a dense array; values column-major.</summary>
    public TestMatWriter Dense(string name, int rows, int cols, double[] colMajor, MiType storage = MiType.Double, byte mxClass = 6)
    {
        var body = new MemoryStream();
        Flags(body, mxClass, 0);
        Dims(body, rows, cols);
        Name(body, name);
        Element(body, (int)storage, Encode(colMajor, storage));
        _matrices.Add(body.ToArray());
        return this;
    }

    /// <summary>Adds a sparse double array from its dense column-major values.</summary>
    public TestMatWriter Sparse(string name, int rows, int cols, double[] colMajor)
    {
        var ir = new List<int>();
        var jc = new List<int> { 0 };
        var pr = new List<double>();
        for (int c = 0; c < cols; c++)
        {
            for (int r = 0; r < rows; r++)
                if (colMajor[c * rows + r] != 0) { ir.Add(r); pr.Add(colMajor[c * rows + r]); }
            jc.Add(ir.Count);
        }
        var body = new MemoryStream();
        Flags(body, 5, Math.Max(1, ir.Count));
        Dims(body, rows, cols);
        Name(body, name);
        Element(body, (int)MiType.Int32, Encode(ir.Select(v => (double)v).ToArray(), MiType.Int32));
        Element(body, (int)MiType.Int32, Encode(jc.Select(v => (double)v).ToArray(), MiType.Int32));
        Element(body, (int)MiType.Double, Encode(pr.ToArray(), MiType.Double));
        _matrices.Add(body.ToArray());
        return this;
    }

    /// <summary>Adds a char array (not numeric: the reader skips it).</summary>
    public TestMatWriter Chars(string name, string text)
    {
        var body = new MemoryStream();
        Flags(body, 4, 0);
        Dims(body, 1, text.Length);
        Name(body, name);
        Element(body, 4 /* miUINT16 */, Encode(text.Select(c => (double)c).ToArray(), MiType.UInt16));
        _matrices.Add(body.ToArray());
        return this;
    }

    public byte[] ToBytes()
    {
        var file = new MemoryStream();
        var header = Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, Platform: test, Created on: never".PadRight(116));
        file.Write(header);
        file.Write(new byte[8]);
        file.Write(bigEndian ? [0x01, 0x00, (byte)'M', (byte)'I'] : [0x00, 0x01, (byte)'I', (byte)'M']);
        foreach (var m in _matrices)
        {
            var matrix = new MemoryStream();
            Element(matrix, 14, m);
            if (!compress) { file.Write(matrix.ToArray()); continue; }
            var z = new MemoryStream();
            using (var zs = new ZLibStream(z, level, leaveOpen: true)) zs.Write(matrix.ToArray());
            file.Write(U32(15));
            file.Write(U32((uint)z.Length));
            file.Write(z.ToArray()); // miCOMPRESSED data is not padded
        }
        return file.ToArray();
    }

    public void Save(string path) => File.WriteAllBytes(path, ToBytes());

    private void Flags(Stream s, byte mxClass, int nzmax)
    {
        var d = new byte[8];
        Put32(d, 0, mxClass);
        Put32(d, 4, (uint)nzmax);
        Element(s, (int)MiType.UInt32, d);
    }

    private void Dims(Stream s, int rows, int cols) =>
        Element(s, (int)MiType.Int32, Encode([rows, cols], MiType.Int32));

    private void Name(Stream s, string name) => Element(s, (int)MiType.Int8, Encoding.ASCII.GetBytes(name));

    private void Element(Stream s, int type, byte[] data)
    {
        if (data.Length is > 0 and <= 4)
        {
            // Small data element: size and type share one word, data fills the next four bytes.
            s.Write(U32((uint)data.Length << 16 | (uint)type));
            var padded = new byte[4];
            data.CopyTo(padded, 0);
            s.Write(padded);
            return;
        }
        s.Write(U32((uint)type));
        s.Write(U32((uint)data.Length));
        s.Write(data);
        s.Write(new byte[(8 - data.Length % 8) % 8]);
    }

    private byte[] Encode(double[] values, MiType t)
    {
        int w = t switch { MiType.Int8 or MiType.UInt8 => 1, MiType.Int16 or MiType.UInt16 => 2, MiType.Int32 or MiType.UInt32 or MiType.Single => 4, _ => 8 };
        var b = new byte[values.Length * w];
        for (int i = 0; i < values.Length; i++)
        {
            var span = b.AsSpan(i * w, w);
            double v = values[i];
            switch (t)
            {
                case MiType.Int8: span[0] = (byte)(sbyte)v; break;
                case MiType.UInt8: span[0] = (byte)v; break;
                case MiType.Int16: if (bigEndian) BinaryPrimitives.WriteInt16BigEndian(span, (short)v); else BinaryPrimitives.WriteInt16LittleEndian(span, (short)v); break;
                case MiType.UInt16: if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)v); else BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)v); break;
                case MiType.Int32: if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(span, (int)v); else BinaryPrimitives.WriteInt32LittleEndian(span, (int)v); break;
                case MiType.UInt32: if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(span, (uint)v); else BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)v); break;
                case MiType.Single: if (bigEndian) BinaryPrimitives.WriteSingleBigEndian(span, (float)v); else BinaryPrimitives.WriteSingleLittleEndian(span, (float)v); break;
                case MiType.Double: if (bigEndian) BinaryPrimitives.WriteDoubleBigEndian(span, v); else BinaryPrimitives.WriteDoubleLittleEndian(span, v); break;
                case MiType.Int64: if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(span, (long)v); else BinaryPrimitives.WriteInt64LittleEndian(span, (long)v); break;
                case MiType.UInt64: if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(span, (ulong)v); else BinaryPrimitives.WriteUInt64LittleEndian(span, (ulong)v); break;
            }
        }
        return b;
    }

    private void Put32(byte[] b, int offset, uint v)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(offset), v);
        else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), v);
    }

    private byte[] U32(uint v)
    {
        var b = new byte[4];
        Put32(b, 0, v);
        return b;
    }

    /// <summary>A small valid X (rows × cols, values i + 0.5·j) with labels 1..classes cycling.</summary>
    public static TestMatWriter Simple(int rows = 6, int cols = 3, int classes = 2, bool bigEndian = false, bool compress = true,
                                       MiType xStorage = MiType.Double, MiType yStorage = MiType.UInt8)
    {
        var x = new double[rows * cols];
        for (int c = 0; c < cols; c++)
            for (int r = 0; r < rows; r++) x[c * rows + r] = r + 0.5 * c;
        var y = Enumerable.Range(0, rows).Select(r => (double)(r % classes + 1)).ToArray();
        return new TestMatWriter(bigEndian, compress).Dense("X", rows, cols, x, xStorage).Dense("Y", rows, 1, y, yStorage);
    }
}
