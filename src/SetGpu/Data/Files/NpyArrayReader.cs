using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SetGpu.Data;

/// <summary>
/// Reads the data of a .npy array (after <see cref="NpyHeader"/>) in chunks straight into its destination: the
/// features as one row-major float32 array, or the labels. The byte count the header promises is checked against the
/// bytes there are before anything is allocated, and a stream that ends early is reported as truncated.
/// </summary>
internal static class NpyArrayReader
{
    const int ChunkBytes = 1 << 20;

    /// <summary>Reads a features array: 2-D (samples × features), or 3-D (samples × height × width, kept as the image shape).</summary>
    /// <param name="stream">Positioned at the first data byte.</param>
    /// <param name="header">The array's header.</param>
    /// <param name="availableBytes">Data bytes the file or NPZ member holds after the header.</param>
    /// <param name="source">File (and member) named in errors.</param>
    public static (float[] Values, int Rows, int Columns, (int, int)? ImageShape) ReadFeatures(
        Stream stream, NpyHeader header, long availableBytes, string source)
    {
        if (header.Shape.Length is not (2 or 3))
            throw new DataFormatException(source, $"features of shape {header.ShapeText}; expected 2-D (samples, features) or 3-D (samples, height, width)");
        if (header.FortranOrder && header.Shape.Length != 2)
            throw new DataFormatException(source, $"a Fortran-ordered {header.Shape.Length}-D array; save it with np.ascontiguousarray");
        long rows = header.Shape[0], columns = header.Count / Math.Max(rows, 1);
        if (rows == 0 || columns == 0) throw new DataFormatException(source, $"features of shape {header.ShapeText} are empty");
        CheckLength(header, availableBytes, source);
        if (rows > int.MaxValue || header.Count > Array.MaxLength)
            throw new DataFormatException(source, $"features of shape {header.ShapeText} are too large for one float32 array");
        var values = new float[header.Count];
        // Fortran order stores column after column: element i belongs to row i % rows, column i / rows.
        Func<long, long>? place = header.FortranOrder ? i => i % rows * columns + i / rows : null;
        Fill(stream, header, source, values, place);
        (int, int)? image = header.Shape.Length == 3 ? ((int)header.Shape[1], (int)header.Shape[2]) : null;
        return (values, (int)rows, (int)columns, image);
    }

    /// <summary>Reads a labels array of shape (n,) or (n, 1): integers, or floats that hold integers.</summary>
    public static LabelColumn ReadLabels(Stream stream, NpyHeader header, long availableBytes, string source)
    {
        bool vector = header.Shape.Length == 1 || (header.Shape.Length == 2 && header.Shape[1] == 1);
        if (!vector) throw new DataFormatException(source, $"labels of shape {header.ShapeText}; expected (samples,) or (samples, 1)");
        if (header.Shape[0] > Array.MaxLength) throw new DataFormatException(source, $"{header.Shape[0]} labels are too many");
        CheckLength(header, availableBytes, source);
        var raw = new double[header.Count];
        var labels = new LabelColumn(raw.Length);
        if (header.Type is NpyType.Int64)
        {
            // int64 labels beyond 2^53 would not survive a double: read them as they are.
            var longs = new long[header.Count];
            ReadExactly(stream, MemoryMarshal.AsBytes(longs.AsSpan()), header, source, 0);
            for (int i = 0; i < longs.Length; i++) labels.Set(i, longs[i]);
            return labels;
        }
        var floats = new float[header.Count];
        Fill(stream, header, source, floats, null, raw);
        for (int i = 0; i < raw.Length; i++)
        {
            if (!LabelColumn.IsInteger(raw[i]))
                throw new DataFormatException(source, $"label [{i}] is {raw[i].ToString(CultureInfo.InvariantCulture)}, not an integer class label");
            labels.Set(i, (long)raw[i]);
        }
        return labels;
    }

    static void CheckLength(NpyHeader header, long availableBytes, string source)
    {
        if (availableBytes < header.DataBytes)
            throw new DataFormatException(source,
                $"truncated: shape {header.ShapeText} of {header.Type} needs {header.DataBytes} data bytes but only {availableBytes} follow the header");
        if (availableBytes > header.DataBytes)
            throw new DataFormatException(source,
                $"{availableBytes - header.DataBytes} bytes follow the {header.DataBytes} that shape {header.ShapeText} of {header.Type} needs (a corrupt file)");
    }

    /// <summary>
    /// Converts the data to float32 into <paramref name="values"/> (at <paramref name="place"/>(i), else i), chunk by
    /// chunk; <paramref name="exact"/>, when given, also receives every value as a double (labels).
    /// </summary>
    static void Fill(Stream stream, NpyHeader header, string source, float[] values, Func<long, long>? place, double[]? exact = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".npy reading needs a little-endian machine");
        if (header.Type == NpyType.Float32 && place is null && exact is null)
        {
            // The common case: the bytes are the floats.
            for (int start = 0; start < values.Length; start += ChunkBytes / 4)
            {
                int n = Math.Min(ChunkBytes / 4, values.Length - start);
                ReadExactly(stream, MemoryMarshal.AsBytes(values.AsSpan(start, n)), header, source, (long)start * 4);
            }
            return;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int perChunk = ChunkBytes / header.ItemSize;
            for (long start = 0; start < values.LongLength; start += perChunk)
            {
                int n = (int)Math.Min(perChunk, values.LongLength - start);
                var bytes = buffer.AsSpan(0, n * header.ItemSize);
                ReadExactly(stream, bytes, header, source, start * header.ItemSize);
                for (int k = 0; k < n; k++)
                {
                    double v = header.Type switch
                    {
                        NpyType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(bytes[(k * 4)..]),
                        NpyType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(bytes[(k * 8)..]),
                        NpyType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes[(k * 4)..]),
                        NpyType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(bytes[(k * 8)..]),
                        _ => bytes[k],
                    };
                    long i = start + k;
                    values[place is null ? i : place(i)] = (float)v;
                    if (exact is not null) exact[i] = v;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    static void ReadExactly(Stream stream, Span<byte> destination, NpyHeader header, string source, long offset)
    {
        int got = NpyHeader.ReadFully(stream, destination);
        if (got < destination.Length)
            throw new DataFormatException(source,
                $"truncated: the data end after {offset + got} of the {header.DataBytes} bytes that shape {header.ShapeText} needs");
    }
}
