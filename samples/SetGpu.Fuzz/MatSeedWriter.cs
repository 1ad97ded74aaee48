using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SetGpu.Fuzz;

/// <summary>
/// Writes small level-5 MAT-files for the seed corpus: dense arrays of any class in any storage type, sparse, logical
/// and char arrays, compressed or not, either byte order. Seeds only need to be valid and varied, not complete.
/// </summary>
internal sealed class MatSeedWriter(bool bigEndian = false, bool compress = true)
{
    readonly List<byte[]> _matrices = [];

    /// <summary>Data element types (miINT8 …) by the size of one value, as MATLAB stores them.</summary>
    public enum Storage { Int8 = 1, UInt8 = 2, Int16 = 3, UInt16 = 4, Int32 = 5, UInt32 = 6, Single = 7, Double = 9, Int64 = 12, UInt64 = 13 }

    /// <summary>A dense array of MATLAB class <paramref name="mxClass"/>, column-major values stored as <paramref name="storage"/>.</summary>
    public MatSeedWriter Dense(string name, int[] dims, double[] values, Storage storage = Storage.Double, byte mxClass = 6, bool logical = false)
    {
        var body = new MemoryStream();
        Element(body, 6, Words(mxClass | (logical ? 0x0200u : 0), 0));
        Element(body, 5, Ints(dims));
        Element(body, 1, Encoding.UTF8.GetBytes(name));
        Element(body, (int)storage, Encode(values, storage));
        _matrices.Add(body.ToArray());
        return this;
    }

    /// <summary>A sparse double array from its dense column-major values.</summary>
    public MatSeedWriter Sparse(string name, int rows, int cols, double[] values)
    {
        List<int> ir = [], jc = [0];
        List<double> pr = [];
        for (int c = 0; c < cols; c++)
        {
            for (int r = 0; r < rows; r++)
                if (values[c * rows + r] != 0) { ir.Add(r); pr.Add(values[c * rows + r]); }
            jc.Add(ir.Count);
        }
        var body = new MemoryStream();
        Element(body, 6, Words(5, (uint)Math.Max(1, ir.Count)));
        Element(body, 5, Ints([rows, cols]));
        Element(body, 1, Encoding.UTF8.GetBytes(name));
        Element(body, 5, Ints([.. ir]));
        Element(body, 5, Ints([.. jc]));
        Element(body, 9, Encode([.. pr], Storage.Double));
        _matrices.Add(body.ToArray());
        return this;
    }

    /// <summary>A char array (skipped by the reader).</summary>
    public MatSeedWriter Chars(string name, string text)
    {
        var body = new MemoryStream();
        Element(body, 6, Words(4, 0));
        Element(body, 5, Ints([1, text.Length]));
        Element(body, 1, Encoding.UTF8.GetBytes(name));
        Element(body, 4, Encode([.. text.Select(c => (double)c)], Storage.UInt16));
        _matrices.Add(body.ToArray());
        return this;
    }

    public byte[] ToBytes()
    {
        var file = new MemoryStream();
        file.Write(Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: seed".PadRight(116)));
        file.Write(new byte[8]);
        file.Write(bigEndian ? [0x01, 0x00, (byte)'M', (byte)'I'] : [0x00, 0x01, (byte)'I', (byte)'M']);
        foreach (var m in _matrices)
        {
            var matrix = new MemoryStream();
            Element(matrix, 14, m);
            if (!compress) { file.Write(matrix.ToArray()); continue; }
            var z = new MemoryStream();
            using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zs.Write(matrix.ToArray());
            file.Write(Words(15, (uint)z.Length));
            file.Write(z.ToArray()); // MATLAB does not pad compressed elements
        }
        return file.ToArray();
    }

    /// <summary>The narrowest storage that holds every value exactly, as MATLAB chooses it for class double.</summary>
    public static Storage Narrowest(double[] values)
    {
        bool integral = values.All(v => v == Math.Floor(v));
        if (!integral) return values.All(v => (float)v == v) ? Storage.Single : Storage.Double;
        double min = values.Length == 0 ? 0 : values.Min(), max = values.Length == 0 ? 0 : values.Max();
        return (min, max) switch
        {
            ( >= 0, <= byte.MaxValue) => Storage.UInt8,
            ( >= sbyte.MinValue, <= sbyte.MaxValue) => Storage.Int8,
            ( >= 0, <= ushort.MaxValue) => Storage.UInt16,
            ( >= short.MinValue, <= short.MaxValue) => Storage.Int16,
            _ => Storage.Double,
        };
    }

    void Element(Stream s, int type, byte[] data)
    {
        if (data.Length is > 0 and <= 4)
        {
            s.Write(Words((uint)data.Length << 16 | (uint)type));
            var padded = new byte[4];
            data.CopyTo(padded, 0);
            s.Write(padded);
            return;
        }
        s.Write(Words((uint)type, (uint)data.Length));
        s.Write(data);
        s.Write(new byte[(8 - data.Length % 8) % 8]);
    }

    byte[] Ints(int[] values) => Encode([.. values.Select(v => (double)v)], Storage.Int32);

    byte[] Words(params uint[] words)
    {
        var b = new byte[4 * words.Length];
        for (int i = 0; i < words.Length; i++)
            if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4 * i), words[i]);
            else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4 * i), words[i]);
        return b;
    }

    byte[] Encode(double[] values, Storage t)
    {
        int w = t switch { Storage.Int8 or Storage.UInt8 => 1, Storage.Int16 or Storage.UInt16 => 2, Storage.Int32 or Storage.UInt32 or Storage.Single => 4, _ => 8 };
        var b = new byte[values.Length * w];
        for (int i = 0; i < values.Length; i++)
        {
            var s = b.AsSpan(i * w, w);
            double v = values[i];
            switch (t)
            {
                case Storage.Int8: s[0] = (byte)(sbyte)v; break;
                case Storage.UInt8: s[0] = (byte)v; break;
                case Storage.Int16: BinaryPrimitives.WriteInt16LittleEndian(s, (short)v); break;
                case Storage.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)v); break;
                case Storage.Int32: BinaryPrimitives.WriteInt32LittleEndian(s, (int)v); break;
                case Storage.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)v); break;
                case Storage.Single: BinaryPrimitives.WriteSingleLittleEndian(s, (float)v); break;
                case Storage.Double: BinaryPrimitives.WriteDoubleLittleEndian(s, v); break;
                case Storage.Int64: BinaryPrimitives.WriteInt64LittleEndian(s, (long)v); break;
                case Storage.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(s, (ulong)v); break;
            }
            if (bigEndian) s.Reverse();
        }
        return b;
    }
}
