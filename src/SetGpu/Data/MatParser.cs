using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SetGpu.Data;

/// <summary>
/// Level-5 MAT-file parsing. Every length read from the file is checked against the bytes that remain, so damaged
/// files fail with a <see cref="DataFormatException"/> that names the file and the byte offset, never deep inside.
/// </summary>
internal static class MatParser
{
    private const int HeaderLength = 128;
    private const uint ComplexFlag = 0x0800;
    private const uint LogicalFlag = 0x0200;

    /// <summary>
    /// The most elements a sparse variable may have once densified: 2^28 doubles (2 GiB), far above the datasets SetGpu
    /// trains on. The fuzz harness passes a lower limit to reach the check cheaply.
    /// </summary>
    public const long MaxDenseElements = 1L << 28;

    /// <summary>One data element: its type, where its bytes lie and where the next element starts.</summary>
    private readonly record struct Element(MatDataType Type, int Start, int Length, int Next);

    public static MatFile Parse(byte[] b, string source, long maxDenseElements = MaxDenseElements)
    {
        if (b.Length < HeaderLength)
            throw Fail(source, $"truncated header: the file has {b.Length} bytes, a MAT-file header alone needs {HeaderLength}");
        string text = Encoding.ASCII.GetString(b, 0, 116).TrimEnd('\0', ' ');
        if (!text.StartsWith("MATLAB 5.0 MAT-file", StringComparison.Ordinal))
        {
            if (text.StartsWith("MATLAB 7.3 MAT-file", StringComparison.Ordinal))
                throw Fail(source, "wrong format: MAT-file v7.3 (HDF5) is not supported; save it with -v7 instead");
            throw Fail(source, "wrong header: not a MATLAB level-5 MAT-file (the text does not start with \"MATLAB 5.0 MAT-file\")");
        }
        bool bigEndian = (b[126], b[127]) switch
        {
            ((byte)'I', (byte)'M') => false,
            ((byte)'M', (byte)'I') => true,
            _ => throw Fail(source, $"wrong header: endian indicator is 0x{b[126]:X2}{b[127]:X2}, expected \"IM\" or \"MI\""),
        };
        int version = bigEndian ? b[124] << 8 | b[125] : b[125] << 8 | b[124];
        if (version != 0x0100)
            throw Fail(source, $"wrong header: version 0x{version:X4}, expected 0x0100");

        var arrays = new Dictionary<string, MatArray>(StringComparer.Ordinal);
        var skipped = new Dictionary<string, string>(StringComparer.Ordinal);
        var parser = new Reader(b, bigEndian, source, maxDenseElements);
        int pos = HeaderLength;
        while (pos < b.Length)
        {
            // MATLAB does not pad compressed elements to 8 bytes, but some writers do: where no variable's tag
            // (type 14 or 15) starts right here and only zeros lie before the next boundary, skip to it.
            int aligned = HeaderLength + (pos - HeaderLength + 7) / 8 * 8;
            if (aligned != pos && aligned <= b.Length && b.AsSpan(pos, aligned - pos).IndexOfAnyExcept((byte)0) < 0
                && !(b.Length - pos >= 4 && parser.PeekWord(pos) is (uint)MatDataType.Matrix or (uint)MatDataType.Compressed))
                pos = aligned;
            if (pos >= b.Length) break;
            var e = parser.ReadTag(pos, b.Length, "top-level element");
            switch (e.Type)
            {
                case MatDataType.Compressed:
                    byte[] inner = Inflate(b, e, bigEndian, source);
                    var innerReader = new Reader(inner, bigEndian, source, maxDenseElements);
                    var m = innerReader.ReadTag(0, inner.Length, $"compressed element at byte {pos}");
                    innerReader.ReadMatrix(m, arrays, skipped, $"compressed element at byte {pos}");
                    pos = e.Start + e.Length; // unpadded
                    break;
                case MatDataType.Matrix:
                    parser.ReadMatrix(e, arrays, skipped, $"element at byte {pos}");
                    pos = e.Next;
                    break;
                default:
                    pos = e.Next; // stray non-matrix data at top level carries no variable
                    break;
            }
        }
        return new MatFile(source, text, bigEndian, arrays, skipped);
    }

    private static DataFormatException Fail(string source, string problem, Exception? inner = null) => new(source, problem, inner);

    /// <summary>Inflates one miCOMPRESSED element; its content is a single miMATRIX element whose tag gives its size.</summary>
    private static byte[] Inflate(byte[] b, Element e, bool bigEndian, string source)
    {
        string where = $"compressed element at byte {e.Start - 8}";
        try
        {
            using var z = new ZLibStream(new MemoryStream(b, e.Start, e.Length, writable: false), CompressionMode.Decompress);
            var head = new byte[8];
            int got = z.ReadAtLeast(head, 8, throwOnEndOfStream: false);
            if (got < 8) throw Fail(source, $"corrupt {where}: it inflates to only {got} bytes");
            uint type = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(head) : BinaryPrimitives.ReadUInt32LittleEndian(head);
            uint size = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4)) : BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(4));
            if (type != (uint)MatDataType.Matrix)
                throw Fail(source, $"corrupt {where}: it holds data type {type}, expected miMATRIX (14)");
            // Deflate expands at most about 1032:1, so a larger claim is damage, not data; checking first avoids
            // a huge allocation.
            if (size > Array.MaxLength - 8 || size > 1032L * e.Length + 64)
                throw Fail(source, $"corrupt {where}: its matrix claims {size} bytes, more than {e.Length} compressed bytes can hold");
            var result = new byte[8 + size];
            head.CopyTo(result, 0);
            got = z.ReadAtLeast(result.AsSpan(8), (int)size, throwOnEndOfStream: false);
            if (got < size)
                throw Fail(source, $"corrupt or truncated {where}: it inflates to {got} bytes but its matrix declares {size}");
            // Reading on to the end of the zlib stream makes the inflater verify the Adler-32 checksum. Writers put
            // nothing after the matrix, so more than a little is damage (and must not be inflated without bound).
            var scratch = new byte[4096];
            long extra = 0;
            for (int n; (n = z.Read(scratch)) > 0;)
                if ((extra += n) > 1 << 16)
                    throw Fail(source, $"corrupt {where}: it inflates to more than the {size} bytes its matrix declares");
            return result;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // IOException: zlib's own error codes (ZLibException), which a damaged stream can reach before the checksum
            // does; the input is in memory, so nothing else raises one here.
            throw Fail(source, $"corrupt {where}: its zlib data do not inflate or fail their checksum ({ex.Message.TrimEnd('.')})", ex);
        }
    }

    /// <summary>Reads elements of one buffer in the file's byte order.</summary>
    private sealed class Reader(byte[] b, bool bigEndian, string source, long maxDenseElements)
    {
        public Element ReadTag(int pos, int end, string where)
        {
            if (end - pos < 8)
                throw Fail(source, $"truncated {where}: a data element tag at byte {pos} needs 8 bytes, {end - pos} remain");
            uint first = U32(pos);
            if (first >> 16 != 0)
            {
                // Small data element: type and size (at most 4) share the first word, data fills the second.
                var smallType = (MatDataType)(first & 0xFFFF);
                int smallSize = (int)(first >> 16);
                if (smallSize > 4)
                    throw Fail(source, $"corrupt {where}: small data element at byte {pos} claims {smallSize} bytes (at most 4 fit)");
                return new Element(smallType, pos + 4, smallSize, pos + 8);
            }
            uint size = U32(pos + 4);
            if (size > (uint)(end - pos - 8))
                throw Fail(source, $"truncated {where}: the data element at byte {pos} declares {size} bytes but only {end - pos - 8} remain");
            long next = pos + 8 + ((size + 7L) & ~7L);
            return new Element((MatDataType)first, pos + 8, (int)size, (int)Math.Min(next, end));
        }

        public void ReadMatrix(Element m, Dictionary<string, MatArray> arrays, Dictionary<string, string> skipped, string where)
        {
            if (m.Type != MatDataType.Matrix)
                throw Fail(source, $"corrupt {where}: data type {(int)m.Type}, expected miMATRIX (14)");
            if (m.Length == 0) return; // an empty placeholder matrix names no variable
            int end = m.Start + m.Length;

            var flagsEl = Expect(ReadTag(m.Start, end, where), where, "array flags", MatDataType.UInt32);
            if (flagsEl.Length < 8) throw Fail(source, $"corrupt {where}: array flags hold {flagsEl.Length} bytes, expected 8");
            uint flags = U32(flagsEl.Start);
            var cls = (MatClass)(flags & 0xFF);
            bool complex = (flags & ComplexFlag) != 0, logical = (flags & LogicalFlag) != 0;

            var dimsEl = Expect(ReadTag(flagsEl.Next, end, where), where, "dimensions", MatDataType.Int32);
            int rank = dimsEl.Length / 4;
            if (rank < 2 || dimsEl.Length % 4 != 0)
                throw Fail(source, $"corrupt {where}: the dimensions element holds {dimsEl.Length} bytes, expected at least two int32 values");
            var dims = new int[rank];
            long elements = 1;
            for (int i = 0; i < rank; i++)
            {
                dims[i] = (int)U32(dimsEl.Start + 4 * i);
                if (dims[i] < 0) throw Fail(source, $"corrupt {where}: dimension {i + 1} is {dims[i]}");
                elements *= dims[i];
                if (elements > Array.MaxLength) throw Fail(source, $"corrupt {where}: dimensions {string.Join("×", dims.Take(i + 1))}… are too large");
            }

            var nameEl = ReadTag(dimsEl.Next, end, where);
            if (nameEl.Type is not (MatDataType.Int8 or MatDataType.UInt8 or MatDataType.Utf8))
                throw Fail(source, $"corrupt {where}: the array name has data type {(int)nameEl.Type}, expected miINT8");
            string name = Encoding.UTF8.GetString(b, nameEl.Start, nameEl.Length).TrimEnd('\0');
            string what = $"variable {(name.Length == 0 ? "(unnamed)" : name)} in {where}";

            if (cls is MatClass.Cell or MatClass.Struct or MatClass.Object or MatClass.Char || !Enum.IsDefined(cls))
            {
                skipped[name] = $"class {ClassName(cls)} is not a numeric array";
                return;
            }
            if (complex)
            {
                skipped[name] = $"complex {ClassName(cls)} arrays are not supported";
                return;
            }

            double[] values;
            if (cls == MatClass.Sparse)
            {
                if (rank != 2) throw Fail(source, $"corrupt {what}: a sparse array must be 2-D, dimensions are {string.Join("×", dims)}");
                values = ReadSparse(nameEl.Next, end, dims[0], dims[1], what);
            }
            else
            {
                var real = ReadTag(nameEl.Next, end, what);
                values = Numeric(real, what, "real part");
                if (values.Length != elements)
                    throw Fail(source, $"corrupt {what}: the real part holds {values.Length} values but dimensions {string.Join("×", dims)} need {elements}");
            }
            arrays[name] = new MatArray(name, cls, dims, values, cls == MatClass.Sparse, logical);
        }

        /// <summary>Densifies a sparse (compressed-column) array: ir = row of each stored value, jc = column starts.</summary>
        private double[] ReadSparse(int pos, int end, int rows, int cols, string what)
        {
            var irEl = Expect(ReadTag(pos, end, what), what, "row indices (ir)", MatDataType.Int32);
            var jcEl = Expect(ReadTag(irEl.Next, end, what), what, "column starts (jc)", MatDataType.Int32);
            var prEl = ReadTag(jcEl.Next, end, what);
            double[] pr = Numeric(prEl, what, "sparse values (pr)");
            if (jcEl.Length / 4 != cols + 1)
                throw Fail(source, $"corrupt {what}: jc holds {jcEl.Length / 4} entries, expected columns + 1 = {cols + 1}");
            int nnzCapacity = irEl.Length / 4;
            // Check the structure before allocating: a damaged dimension must not trigger a huge allocation first.
            int previous = 0;
            for (int c = 0; c < cols; c++)
            {
                int from = (int)U32(jcEl.Start + 4 * c), to = (int)U32(jcEl.Start + 4 * (c + 1));
                if (from != previous || to < from || to > nnzCapacity || to > pr.Length)
                    throw Fail(source, $"corrupt {what}: jc[{c}..{c + 1}] = {from}..{to} is not a valid range of the {Math.Min(nnzCapacity, pr.Length)} stored values");
                for (int k = from; k < to; k++)
                {
                    int r = (int)U32(irEl.Start + 4 * k);
                    if ((uint)r >= (uint)rows)
                        throw Fail(source, $"corrupt {what}: ir[{k}] = {r} is outside 0..{rows - 1}");
                }
                previous = to;
            }
            // A sparse array's dimensions are not bounded by the file's size (a 300-byte file can declare 2^30 × 1), so
            // the dense copy is bounded by a limit before it is allocated.
            if ((long)rows * cols > Math.Min(Array.MaxLength, maxDenseElements))
                throw Fail(source, $"{what} ({rows}×{cols} sparse) is too large to densify: {(long)rows * cols} elements, the limit is {maxDenseElements}");
            var dense = new double[(long)rows * cols];
            for (int c = 0; c < cols; c++)
            {
                int from = (int)U32(jcEl.Start + 4 * c), to = (int)U32(jcEl.Start + 4 * (c + 1));
                for (int k = from; k < to; k++) dense[(long)c * rows + (int)U32(irEl.Start + 4 * k)] = pr[k];
            }
            return dense;
        }

        private Element Expect(Element e, string where, string part, MatDataType type)
        {
            // Some writers store int32/uint32 subelements with the other signedness; both read the same here.
            bool ok = e.Type == type
                || ((type is MatDataType.Int32 or MatDataType.UInt32) && (e.Type is MatDataType.Int32 or MatDataType.UInt32));
            if (!ok) throw Fail(source, $"corrupt {where}: {part} have data type {(int)e.Type}, expected {(int)type}");
            return e;
        }

        /// <summary>Widens a numeric element of any storage type to doubles.</summary>
        private double[] Numeric(Element e, string what, string part)
        {
            int width = e.Type switch
            {
                MatDataType.Int8 or MatDataType.UInt8 => 1,
                MatDataType.Int16 or MatDataType.UInt16 => 2,
                MatDataType.Int32 or MatDataType.UInt32 or MatDataType.Single => 4,
                MatDataType.Double or MatDataType.Int64 or MatDataType.UInt64 => 8,
                _ => throw Fail(source, $"unsupported storage in {what}: the {part} has data type {(int)e.Type}, which is not numeric"),
            };
            if (e.Length % width != 0)
                throw Fail(source, $"corrupt {what}: the {part} holds {e.Length} bytes, not a multiple of {width}");
            var span = b.AsSpan(e.Start, e.Length);
            var v = new double[e.Length / width];
            switch (e.Type)
            {
                case MatDataType.Int8: for (int i = 0; i < v.Length; i++) v[i] = (sbyte)span[i]; break;
                case MatDataType.UInt8: for (int i = 0; i < v.Length; i++) v[i] = span[i]; break;
                case MatDataType.Int16: for (int i = 0; i < v.Length; i++) v[i] = bigEndian ? BinaryPrimitives.ReadInt16BigEndian(span[(2 * i)..]) : BinaryPrimitives.ReadInt16LittleEndian(span[(2 * i)..]); break;
                case MatDataType.UInt16: for (int i = 0; i < v.Length; i++) v[i] = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(span[(2 * i)..]); break;
                case MatDataType.Int32: for (int i = 0; i < v.Length; i++) v[i] = bigEndian ? BinaryPrimitives.ReadInt32BigEndian(span[(4 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(span[(4 * i)..]); break;
                case MatDataType.UInt32: for (int i = 0; i < v.Length; i++) v[i] = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span[(4 * i)..]) : BinaryPrimitives.ReadUInt32LittleEndian(span[(4 * i)..]); break;
                case MatDataType.Single: for (int i = 0; i < v.Length; i++) v[i] = bigEndian ? BinaryPrimitives.ReadSingleBigEndian(span[(4 * i)..]) : BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]); break;
                case MatDataType.Double: for (int i = 0; i < v.Length; i++) v[i] = bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(span[(8 * i)..]) : BinaryPrimitives.ReadDoubleLittleEndian(span[(8 * i)..]); break;
                case MatDataType.Int64: for (int i = 0; i < v.Length; i++) v[i] = bigEndian ? BinaryPrimitives.ReadInt64BigEndian(span[(8 * i)..]) : BinaryPrimitives.ReadInt64LittleEndian(span[(8 * i)..]); break;
                case MatDataType.UInt64: for (int i = 0; i < v.Length; i++) v[i] = bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(span[(8 * i)..]) : BinaryPrimitives.ReadUInt64LittleEndian(span[(8 * i)..]); break;
            }
            return v;
        }

        public uint PeekWord(int pos) => U32(pos);

        private uint U32(int pos) => bigEndian
            ? BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(pos, 4))
            : BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(pos, 4));
    }

    internal static string ClassName(MatClass cls) => cls switch
    {
        MatClass.Cell => "mxCELL_CLASS",
        MatClass.Struct => "mxSTRUCT_CLASS",
        MatClass.Object => "mxOBJECT_CLASS",
        MatClass.Char => "mxCHAR_CLASS",
        MatClass.Sparse => "mxSPARSE_CLASS",
        _ when Enum.IsDefined(cls) => $"mx{cls.ToString().ToUpperInvariant()}_CLASS",
        _ => $"unknown class {(int)cls}",
    };
}
