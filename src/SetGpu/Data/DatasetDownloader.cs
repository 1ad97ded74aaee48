using System.IO.Compression;
using System.Security.Cryptography;

namespace SetGpu.Data;

/// <summary>
/// Fetches one catalog file over HTTP into a temporary file beside its destination, checks its SHA-256, and only
/// then renames it into place, so a crash or a bad download never leaves a file that looks complete.
/// </summary>
internal sealed class DatasetDownloader(HttpClient client, TextWriter? log)
{
    public async Task DownloadAsync(Uri url, string destination, CatalogFile expected, CancellationToken ct)
    {
        string source = url.ToString();
        string directory = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.part");
        log?.WriteLine($"downloading {source} -> {destination}");
        try
        {
            string actual;
            using (var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                    throw new DataFormatException(source, $"download failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using (var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false))
                await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                {
                    var buffer = new byte[1 << 16];
                    int read;
                    while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                    }
                }
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            if (!string.Equals(actual, expected.Sha256, StringComparison.OrdinalIgnoreCase)
                && !(expected.ContentSha256 is { } content && string.Equals(DecompressedHash(temp), content, StringComparison.OrdinalIgnoreCase)))
            {
                throw new DataFormatException(source,
                    $"checksum mismatch: expected SHA-256 {expected.Sha256}" +
                    (expected.ContentSha256 is null ? "" : $" (or decompressed {expected.ContentSha256})") +
                    $", actual {actual}; the download was discarded");
            }
            File.Move(temp, destination, overwrite: true);
        }
        catch (HttpRequestException e)
        {
            throw new DataFormatException(source, $"download failed ({e.Message})", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new DataFormatException(source, $"download timed out after {client.Timeout.TotalSeconds:0} s", e);
        }
        catch (IOException e)
        {
            throw new DataFormatException(source, $"download failed ({e.Message})", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>SHA-256 of a gzip file's decompressed content, or null when it is not valid gzip.</summary>
    private static string? DecompressedHash(string path)
    {
        try
        {
            using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            return Convert.ToHexStringLower(SHA256.HashData(gz));
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // IOException: zlib's own error codes (ZLibException) for some damage; unreadable means not this content.
            return null;
        }
    }
}
