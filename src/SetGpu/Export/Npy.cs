using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace SetGpu.Export;

/// <summary>
/// NumPy's <c>.npy</c> format, version 1.0: the magic <c>\x93NUMPY</c>, bytes 1 and 0, a little-endian uint16 header
/// length, then an ASCII Python dict literal (<c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3,), }</c>)
/// padded with spaces and ended by a newline so that the data start at a multiple of 64 bytes, then the values in C
/// order. Written exactly as <c>numpy.save</c> writes it, so NumPy and SciPy read the files as their own.
/// </summary>
public static class Npy
{
    /// <summary>The magic string that opens every .npy file.</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes a 1-D int32 array (<c>&lt;i4</c>).</summary>
    public static void Write(Stream stream, int[] values) => WriteArray(stream, "<i4", values);
    /// <summary>Writes a 1-D float32 array (<c>&lt;f4</c>).</summary>
    public static void Write(Stream stream, float[] values) => WriteArray(stream, "<f4", values);
    /// <summary>Writes a 1-D int64 array (<c>&lt;i8</c>).</summary>
    public static void Write(Stream stream, long[] values) => WriteArray(stream, "<i8", values);

    static void WriteArray<T>(Stream stream, string descr, T[] values) where T : unmanaged
    {
        Write(stream, descr, [values.LongLength], []);
        const int chunk = 1 << 26; // a span of bytes addresses at most 2 GB
        for (int start = 0; start < values.Length; start += chunk)
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan(start, Math.Min(chunk, values.Length - start))));
    }

    /// <summary>Writes a 0-d byte-string array (<c>|S</c>n), as NumPy stores <c>np.array(b'csr')</c>.</summary>
    public static void WriteByteString(Stream stream, string ascii)
    {
        var bytes = Encoding.ASCII.GetBytes(ascii);
        Write(stream, $"|S{bytes.Length}", [], bytes);
    }

    /// <summary>Writes the header for <paramref name="descr"/> and <paramref name="shape"/>, then the raw little-endian <paramref name="data"/>.</summary>
    public static void Write(Stream stream, string descr, long[] shape, ReadOnlySpan<byte> data)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy files are written on little-endian machines only");
        stream.Write(Header(descr, shape));
        stream.Write(data);
    }

    /// <summary>The magic, version, length and padded dict of a version 1.0 header (a multiple of 64 bytes).</summary>
    public static byte[] Header(string descr, long[] shape)
    {
        string shapeText = shape.Length switch
        {
            0 => "()",
            1 => $"({shape[0].ToString(CultureInfo.InvariantCulture)},)",
            _ => "(" + string.Join(", ", shape.Select(n => n.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        // numpy.lib.format: the keys in sorted order, each followed by ", ", then "}".
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        const int preamble = 10; // magic 6, version 2, header length 2
        int unpadded = preamble + dict.Length + 1; // + the closing newline
        int padding = (64 - unpadded % 64) % 64;
        int headerLength = dict.Length + padding + 1;
        if (headerLength > ushort.MaxValue) throw new ArgumentException($".npy header of {headerLength} bytes needs format version 2");
        var header = new byte[preamble + headerLength];
        Magic.CopyTo(header);
        header[6] = 1;
        header[7] = 0;
        header[8] = (byte)(headerLength & 0xFF);
        header[9] = (byte)(headerLength >> 8);
        Encoding.ASCII.GetBytes(dict).CopyTo(header, preamble);
        header.AsSpan(preamble + dict.Length, padding).Fill((byte)' ');
        header[^1] = (byte)'\n';
        return header;
    }
}
