using System.Buffers.Binary;
using System.IO.Compression;

namespace SetGpu.Data;

/// <summary>Images of an IDX file: <see cref="Count"/> images of <see cref="Rows"/> × <see cref="Columns"/> bytes, row-major.</summary>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Pixel rows per image.</param>
/// <param name="Columns">Pixel columns per image.</param>
/// <param name="Pixels">Count × Rows × Columns unsigned bytes.</param>
internal sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels);

/// <summary>
/// Reads IDX files (the MNIST / Fashion-MNIST format: a big-endian magic 0x0000TTDD, DD dimensions as big-endian
/// int32, then the data), plain or gzip-compressed (detected from the content, not the name).
/// </summary>
internal static class IdxReader
{
    /// <summary>Magic of an unsigned-byte IDX file with one dimension (labels).</summary>
    public const uint LabelsMagic = 0x00000801;
    /// <summary>Magic of an unsigned-byte IDX file with three dimensions (images).</summary>
    public const uint ImagesMagic = 0x00000803;
    /// <summary>The most bytes one byte of deflate data inflates to (a run of one value: about 1032).</summary>
    const long MaxInflation = 1032;

    /// <summary>Reads an images file (magic 0x00000803).</summary>
    /// <exception cref="DataFormatException">Missing, wrong magic, truncated, corrupt gzip, or trailing bytes.</exception>
    public static IdxImages ReadImages(string path)
    {
        var (dims, data) = Read(path, ImagesMagic, "images");
        // An image of no pixels makes a dataset of no features, whatever the count says.
        if (dims[1] == 0 || dims[2] == 0)
            throw new DataFormatException(path, $"corrupt header: images of {dims[1]}×{dims[2]} pixels");
        return new IdxImages(dims[0], dims[1], dims[2], data);
    }

    /// <summary>Reads a labels file (magic 0x00000801): one byte per item.</summary>
    /// <exception cref="DataFormatException">Missing, wrong magic, truncated, corrupt gzip, or trailing bytes.</exception>
    public static byte[] ReadLabels(string path) => Read(path, LabelsMagic, "labels").Data;

    private static (int[] Dims, byte[] Data) Read(string path, uint expectedMagic, string kind)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot read the file ({e.Message})", e);
        }
        // The file is in memory: from here on an IOException can only come from the inflater (ZLibException).
        bool gzip = bytes is [0x1F, 0x8B, ..];
        try
        {
            using Stream s = gzip ? new GZipStream(new MemoryStream(bytes, writable: false), CompressionMode.Decompress)
                                  : new MemoryStream(bytes, writable: false);

            var head = new byte[4];
            int got = s.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            if (got < 4) throw new DataFormatException(path, $"truncated: the IDX header needs 4 bytes of magic, the file has {got}");
            uint magic = BinaryPrimitives.ReadUInt32BigEndian(head);
            if (magic != expectedMagic)
                throw new DataFormatException(path,
                    $"wrong magic 0x{magic:X8}; an IDX {kind} file starts with 0x{expectedMagic:X8}" +
                    (magic is LabelsMagic or ImagesMagic ? $" (this looks like an IDX {(magic == LabelsMagic ? "labels" : "images")} file)" : ""));

            int rank = (int)(expectedMagic & 0xFF);
            var dimBytes = new byte[4 * rank];
            got = s.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
            if (got < dimBytes.Length) throw new DataFormatException(path, $"truncated: the IDX header lacks its {rank} dimension(s)");
            var dims = new int[rank];
            long total = 1;
            for (int i = 0; i < rank; i++)
            {
                dims[i] = BinaryPrimitives.ReadInt32BigEndian(dimBytes.AsSpan(4 * i));
                if (dims[i] < 0) throw new DataFormatException(path, $"corrupt header: dimension {i + 1} is {dims[i]}");
                total *= dims[i];
                if (total > Array.MaxLength) throw new DataFormatException(path, $"corrupt header: dimensions {string.Join("×", dims)} are too large");
            }

            // The declared size against what the file can hold, before allocating it: a damaged header must not make
            // a 16-byte file allocate gigabytes. Deflate expands at most about 1032:1.
            string declared = $"the header declares {(rank == 1 ? "" : string.Join("×", dims) + " = ")}{total} bytes of {kind}";
            long room = gzip ? MaxInflation * bytes.Length : bytes.Length - 4 - dimBytes.Length;
            if (total > room)
                throw new DataFormatException(path, gzip
                    ? $"corrupt header: {declared}, more than the {bytes.Length}-byte gzip file can hold"
                    : $"truncated: {declared}, the file holds {room}");
            var data = new byte[total];
            got = s.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            if (got < data.Length)
                throw new DataFormatException(path, $"truncated: {declared}, the file holds {got}");
            if (s.ReadByte() >= 0)
                throw new DataFormatException(path, $"corrupt: bytes follow the {total} bytes of {kind} the header declares");
            return (dims, data);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new DataFormatException(path, $"corrupt gzip stream ({e.Message.TrimEnd('.')})", e);
        }
    }
}
