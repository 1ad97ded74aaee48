using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SetGpu.Data;

/// <summary>The element types SetGpu reads from .npy arrays (little-endian, or single bytes).</summary>
internal enum NpyType { Float32, Float64, Int32, Int64, UInt8 }

/// <summary>
/// The header of a NumPy .npy array (format versions 1.0, 2.0 and 3.0): element type, memory order and shape, and
/// the number of data bytes they promise. Refuses what SetGpu does not read, with the reason: big-endian or object
/// (pickled) arrays, structured dtypes, other element types.
/// </summary>
internal sealed partial record NpyHeader(NpyType Type, int ItemSize, bool FortranOrder, long[] Shape, int HeaderBytes)
{
    /// <summary>Elements the shape promises (1 for a 0-d array).</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => checked(a * b));

    /// <summary>Data bytes the shape and element type promise.</summary>
    public long DataBytes => checked(Count * ItemSize);

    /// <summary>The shape as NumPy prints it, e.g. (400000, 500).</summary>
    public string ShapeText => Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";

    const int MaxHeaderBytes = 1 << 20; // NumPy writes a few hundred; more is a corrupt length, not a header to allocate

    /// <summary>Reads the header from the start of <paramref name="stream"/>, leaving it at the first data byte.</summary>
    /// <param name="stream">The .npy bytes.</param>
    /// <param name="source">File (and NPZ member) named in errors.</param>
    public static NpyHeader Read(Stream stream, string source)
    {
        Span<byte> prefix = stackalloc byte[12];
        if (ReadFully(stream, prefix[..10]) < 10 || prefix[0] != 0x93 || !prefix[1..6].SequenceEqual("NUMPY"u8))
            throw new DataFormatException(source, "not a NumPy .npy array (its first bytes are not \\x93NUMPY)");
        int major = prefix[6], minor = prefix[7];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new DataFormatException(source, $"unknown .npy format version {major}.{minor} (1.0, 2.0 and 3.0 are read)"),
        };
        if (lengthBytes == 4 && ReadFully(stream, prefix[10..12]) < 2)
            throw new DataFormatException(source, "truncated: the file ends inside the .npy header");
        long headerLength = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        if (headerLength > MaxHeaderBytes)
            throw new DataFormatException(source, $"the .npy header claims {headerLength} bytes; NumPy's are a few hundred (a corrupt file)");
        var header = new byte[headerLength];
        if (ReadFully(stream, header) < header.Length)
            throw new DataFormatException(source, $"truncated: the file ends inside the .npy header of {headerLength} bytes");
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header);
        return Parse(text, source, 8 + lengthBytes + (int)headerLength);
    }

    static NpyHeader Parse(string text, string source, int headerBytes)
    {
        var descr = DescrPattern().Match(text);
        if (!descr.Success)
            throw new DataFormatException(source, text.Contains("'descr': [", StringComparison.Ordinal)
                ? "a structured (record) array; save a plain numeric array"
                : $"the .npy header has no 'descr' entry: {Shorten(text)}");
        var order = OrderPattern().Match(text);
        var shape = ShapePattern().Match(text);
        if (!order.Success || !shape.Success)
            throw new DataFormatException(source, $"the .npy header lacks 'fortran_order' or 'shape': {Shorten(text)}");
        var (type, size) = ElementType(descr.Groups[1].Value, source);
        var dims = new List<long>();
        foreach (string part in shape.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            dims.Add(long.TryParse(part.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out long d)
                ? d : throw new DataFormatException(source, $"shape ({shape.Groups[1].Value}) is not a tuple of sizes"));
        var result = new NpyHeader(type, size, order.Groups[1].Value == "True", [.. dims], headerBytes);
        try { _ = result.DataBytes; }
        catch (OverflowException) { throw new DataFormatException(source, $"shape {result.ShapeText} overflows a 64-bit byte count"); }
        return result;
    }

    /// <summary>The element type of a NumPy type string such as '&lt;f4' or '|u1'.</summary>
    static (NpyType, int) ElementType(string descr, string source)
    {
        if (descr.Length >= 2 && descr[0] == '>' && descr[1..] is not ("u1" or "i1" or "b1"))
            throw new DataFormatException(source,
                $"big-endian array (dtype '{descr}'); SetGpu reads little-endian: save arr.astype('<{descr[1..]}')");
        if (descr is "|O" or "O")
            throw new DataFormatException(source, "an object array (pickled Python objects); save a numeric array, e.g. arr.astype('float32')");
        return descr switch
        {
            "<f4" => (NpyType.Float32, 4),
            "<f8" => (NpyType.Float64, 8),
            "<i4" => (NpyType.Int32, 4),
            "<i8" => (NpyType.Int64, 8),
            "|u1" or "<u1" or ">u1" => (NpyType.UInt8, 1),
            _ => throw new DataFormatException(source,
                $"dtype '{descr}' is not read; use float32, float64, int32, int64 or uint8 (little-endian)"),
        };
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    public static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    static string Shorten(string text) => text.Length > 120 ? text[..120] + "…" : text.TrimEnd();

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex OrderPattern();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
