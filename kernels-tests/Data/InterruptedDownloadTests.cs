using SetGpu.Data;

namespace SetGpu.KernelsTests.Data;

/// <summary>
/// The catalog's download path against a server that breaks: the connection closed halfway through the body, or wrong
/// bytes. Either leaves nothing in the cache (no partial file), says what went wrong with the URL, and the retry (the next
/// load) succeeds.
/// </summary>
public class InterruptedDownloadTests
{
    static DatasetCatalogOptions Options(string cache, Uri server) => new()
    {
        DataDirectory = null,
        EnvironmentDirectory = null,
        SystemDirectories = [],
        CacheDirectory = cache,
        AllowDownload = true,
        DownloadBaseUrl = server,
        DownloadTimeout = TimeSpan.FromSeconds(30),
    };

    [Theory(Timeout = 60_000)]
    [InlineData(FlakyHttpServer.Answer.CutHalfway, "download failed")]
    [InlineData(FlakyHttpServer.Answer.WrongBytes, "checksum mismatch")]
    public async Task A_broken_download_leaves_no_file_and_the_retry_succeeds(FlakyHttpServer.Answer first, string error)
    {
        var coil = await File.ReadAllBytesAsync(SharedData.PathOf("COIL20.mat"));
        using var server = new FlakyHttpServer(coil, n => n == 0 ? first : FlakyHttpServer.Answer.Whole);
        using var cache = new TempDir();
        var catalog = new DatasetCatalog(Options(cache.Path, server.BaseUrl));

        var e = await Assert.ThrowsAsync<DataFormatException>(() => catalog.LoadAsync("coil20", seed: 1));
        Assert.Contains(new Uri(server.BaseUrl, "COIL20.mat").ToString(), e.Message);
        Assert.Contains(error, e.Message);
        Assert.Empty(Directory.GetFiles(cache.Path, "*", SearchOption.AllDirectories));

        var split = await catalog.LoadAsync("coil20", seed: 1);
        Assert.Equal(1440, split.Train.Samples + split.Test.Samples);
        Assert.Equal(coil, await File.ReadAllBytesAsync(Path.Combine(cache.Path, "COIL20.mat")));
        Assert.Equal(2, server.Requests);
    }
}
