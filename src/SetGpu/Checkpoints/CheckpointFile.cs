using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SetGpu.Checkpoints;

/// <summary>
/// The container of a checkpoint: a 56-byte header, then the payload.
/// <code>
/// offset  size  field
///      0     8  magic 89 53 45 54 47 50 55 0A ("\x89SETGPU\n": the high byte and the newline catch 7-bit and text-mode copies)
///      8     4  format version, uint32 little-endian
///     12     4  reserved, 0
///     16     8  payload length in bytes, int64 little-endian
///     24    32  SHA-256 of the payload
///     56     …  payload (<see cref="CheckpointPayload"/>); nothing follows it
/// </code>
/// Written atomically: the whole file goes to a temporary file in the same folder, is flushed to the disk, then
/// renamed over the target, so a reader (or a crash) sees the old checkpoint or the new one, never a mixture.
/// Read with every check before any use: magic, version, lengths, then the checksum over the whole payload.
/// </summary>
internal static class CheckpointFile
{
    /// <summary>The format version this build writes and the newest it reads.</summary>
    public const uint CurrentVersion = 2;
    public const int HeaderSize = 56;
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'S', (byte)'E', (byte)'T', (byte)'G', (byte)'P', (byte)'U', (byte)'\n'];

    /// <summary>The temporary file a save writes before renaming it over <paramref name="path"/>.</summary>
    public static string TemporaryPath(string path) => Path.GetFullPath(path) + ".tmp";

    /// <summary>
    /// Writes header and payload to a temporary file beside <paramref name="path"/>, flushes it to the disk and renames
    /// it over <paramref name="path"/>. On any failure the temporary file is removed and <paramref name="path"/> is as it was.
    /// Returns the file's size.
    /// </summary>
    public static long WriteAtomically(string path, Action<Stream> writePayload, uint version = CurrentVersion)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("checkpoints are written on little-endian machines only");
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = TemporaryPath(full);
        try
        {
            long size;
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                file.Write(new byte[HeaderSize]); // filled in once the payload's length and hash are known
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                long payloadLength;
                using (var payload = new HashingWriteStream(file, hash))
                {
                    writePayload(payload);
                    payloadLength = payload.Length;
                }
                Span<byte> header = stackalloc byte[HeaderSize];
                Magic.CopyTo(header);
                BinaryPrimitives.WriteUInt32LittleEndian(header[8..], version);
                BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
                BinaryPrimitives.WriteInt64LittleEndian(header[16..], payloadLength);
                hash.GetHashAndReset(header[24..]);
                file.Position = 0;
                file.Write(header);
                size = file.Length;
                // Data on the disk before the rename makes it visible: otherwise a power cut could leave a renamed,
                // empty file in place of the previous checkpoint.
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            return size;
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (Training.WriteFailure.IsDiskFull(e)) throw Training.WriteFailure.DiskFull(full, "checkpoint", (IOException)e);
            throw;
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/>, checks magic, version, lengths and the payload's checksum, and returns the file
    /// positioned at the start of the payload with the payload's length and format version. Throws
    /// <see cref="CheckpointFormatException"/> naming the file and the problem.
    /// </summary>
    public static (FileStream File, long PayloadLength, uint Version) OpenVerified(string path)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("checkpoints are read on little-endian machines only");
        FileStream file;
        try { file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CheckpointFormatException(path, "no such file", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointFormatException(path, Directory.Exists(path) ? "is a folder, not a checkpoint" : $"cannot read the file ({e.Message})", e);
        }
        try
        {
            long length = file.Length;
            Span<byte> header = stackalloc byte[HeaderSize];
            int got = file.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
            if (got == 0) throw new CheckpointFormatException(path, "the file is empty (0 bytes): not a checkpoint");
            var start = header[..got];
            int compared = Math.Min(got, Magic.Length);
            if (!start[..compared].SequenceEqual(Magic[..compared]))
                throw new CheckpointFormatException(path, $"not a SetGpu checkpoint: {Describe(start)}");
            if (got < HeaderSize)
                throw new CheckpointFormatException(path, $"truncated: {length} bytes, shorter than the {HeaderSize}-byte header");
            uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            if (version > CurrentVersion)
                throw new CheckpointFormatException(path,
                    $"written by a newer SetGpu, format version {version}, this build reads ≤ {CurrentVersion}; use a newer SetGpu");
            if (version == 0)
                throw new CheckpointFormatException(path, "format version 0 does not exist (the header is corrupted)");
            uint reserved = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
            if (reserved != 0)
                throw new CheckpointFormatException(path, $"reserved header field is {reserved}, not 0 (the header is corrupted)");
            long payloadLength = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
            long present = length - HeaderSize;
            if (payloadLength < 0)
                throw new CheckpointFormatException(path, $"payload length field is {payloadLength} (the header is corrupted)");
            if (payloadLength > present)
                throw new CheckpointFormatException(path,
                    $"truncated: the header announces a payload of {payloadLength:N0} bytes, the file holds {present:N0} after the header");
            if (payloadLength < present)
                throw new CheckpointFormatException(path,
                    $"{present - payloadLength:N0} unexpected bytes after the {payloadLength:N0}-byte payload (the file is corrupted or two files were joined)");

            var expected = header.Slice(24, 32).ToArray();
            var actual = HashPayload(file, payloadLength);
            if (!actual.AsSpan().SequenceEqual(expected))
                throw new CheckpointFormatException(path,
                    $"checksum mismatch: the payload's SHA-256 is {Convert.ToHexStringLower(actual)[..16]}…, the header records " +
                    $"{Convert.ToHexStringLower(expected)[..16]}… (the file is corrupted)");
            file.Position = HeaderSize;
            return (file, payloadLength, version);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    static byte[] HashPayload(FileStream file, long payloadLength)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        file.Position = HeaderSize;
        for (long left = payloadLength; left > 0;)
        {
            int n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0) throw new EndOfStreamException();
            hash.AppendData(buffer, 0, n);
            left -= n;
        }
        return hash.GetHashAndReset();
    }

    /// <summary>What a file that is not a checkpoint looks like it is, from its first bytes.</summary>
    static string Describe(ReadOnlySpan<byte> start)
    {
        if (start.IsEmpty) return "the file is empty";
        string kind = start switch
        {
            [(byte)'P', (byte)'K', 3, 4, ..] => "a zip archive (an .npz export?)",
            [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', ..] => "a NumPy .npy array",
            [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "a PNG image",
            [(byte)'M', (byte)'A', (byte)'T', (byte)'L', (byte)'A', (byte)'B', ..] => "a MATLAB .mat file",
            [(byte)'{', ..] or [(byte)' ', ..] or [(byte)'\n', ..] => "text, perhaps JSON (a training report?)",
            _ => "unknown content",
        };
        return $"it starts with {Convert.ToHexString(start[..Math.Min(8, start.Length)])}, {kind}; a checkpoint starts with {Convert.ToHexString(Magic)}";
    }

    /// <summary>A write-only pass-through stream that hashes and counts what it forwards.</summary>
    sealed class HashingWriteStream(Stream inner, IncrementalHash hash) : Stream
    {
        long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
            _length += buffer.Length;
        }
        public override void WriteByte(byte value) => Write([value]);
    }
}
