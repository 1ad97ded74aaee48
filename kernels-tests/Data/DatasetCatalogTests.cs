using System.IO.Compression;
using System.Security.Cryptography;
using SetGpu.Data;

namespace SetGpu.KernelsTests.Data;

public class DatasetCatalogTests
{
    /// <summary>Options that see only the given folders: no environment, system folder or real cache.</summary>
    private static DatasetCatalogOptions Isolated(string? dataDir, string cacheDir, bool download = false, Uri? baseUrl = null) => new()
    {
        DataDirectory = dataDir,
        EnvironmentDirectory = null,
        SystemDirectories = [],
        CacheDirectory = cacheDir,
        AllowDownload = download,
        DownloadBaseUrl = baseUrl,
        DownloadTimeout = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public void ResolvesNamesFromADataDirectory_WithStratifiedOrOfficialSplits()
    {
        using var cache = new TempDir();
        var catalog = new DatasetCatalog(Isolated(SharedData.Root, cache.Path));

        var coil = catalog.Load("COIL20", seed: 1);
        Assert.Equal(960, coil.Train.Samples);
        Assert.Equal(480, coil.Test.Samples);
        Assert.Equal((32, 32), coil.Train.ImageShape);
        Assert.All(coil.Train.ClassCounts(), c => Assert.Equal(48, c));

        var lung = catalog.Load("lung_discrete", seed: 1);
        Assert.Equal(73, lung.Train.Samples + lung.Test.Samples);

        var madelon = catalog.Load("madelon", seed: 1);
        Assert.Equal((2000, 600), (madelon.Train.Samples, madelon.Test.Samples));

        Assert.Equal(Path.GetFullPath(SharedData.Root), catalog.Locate("Fashion_MNIST"));
        Assert.Equal(Path.GetFullPath(SharedData.Root), catalog.Locate("warppie10p"));
        Assert.Empty(Directory.GetFileSystemEntries(cache.Path));
    }

    [Theory]
    [InlineData("orl")]
    [InlineData("yale")]
    public void Face_images_are_drawn_upright(string name)
    {
        // A mean face is symmetric left to right, not top to bottom. ORL.mat and Yale.mat hold MATLAB (column-major)
        // 32×32 images: read row-major, the faces lie on their side and the symmetry turns with them.
        using var cache = new TempDir();
        var train = new DatasetCatalog(Isolated(SharedData.Root, cache.Path)).Load(name, seed: 1).Train;
        Assert.Equal((32, 32), train.ImageShape);
        var mean = new double[32, 32];
        for (int s = 0; s < train.Samples; s++)
            for (int r = 0; r < 32; r++)
                for (int c = 0; c < 32; c++)
                    mean[r, c] += train.Sample(s)[ImagePixels.FeatureIndex(train.PixelOrder, 32, 32, r, c)] / train.Samples;
        double leftRight = 0, topBottom = 0;
        for (int r = 0; r < 32; r++)
            for (int c = 0; c < 32; c++)
            {
                leftRight += Math.Abs(mean[r, c] - mean[r, 31 - c]);
                topBottom += Math.Abs(mean[r, c] - mean[31 - r, c]);
            }
        Assert.True(leftRight < 0.5 * topBottom, $"{name}: mirror differences {leftRight:F0} left to right, {topBottom:F0} top to bottom");
    }

    [Fact]
    public void EveryCatalogFileExistsInTheSharedFolder()
    {
        foreach (var info in DatasetCatalog.Datasets)
            foreach (string file in info.Files)
                Assert.True(File.Exists(SharedData.PathOf(file)), $"{info.Name}: {file}");
        Assert.Contains(DatasetCatalog.Datasets, d => d.Name == "synthetic");
    }

    [Fact]
    public void SearchOrder_DataDirThenEnvironmentThenSystemThenCache()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var c = new TempDir();
        using var cache = new TempDir();
        foreach (var dir in new[] { b, c, cache }) TestMatWriter.Simple().Save(dir.File("asu/Yale.mat"));
        var options = Isolated(a.Path, cache.Path) with { EnvironmentDirectory = b.Path, SystemDirectories = [c.Path] };
        var catalog = new DatasetCatalog(options);
        Assert.Equal([a.Path, b.Path, c.Path, cache.Path], catalog.SearchDirectories);
        Assert.Equal(b.Path, catalog.Locate("yale"));
        Assert.Equal(c.Path, new DatasetCatalog(options with { EnvironmentDirectory = null }).Locate("yale"));
        Assert.Equal(cache.Path, new DatasetCatalog(options with { EnvironmentDirectory = null, SystemDirectories = [] }).Locate("yale"));

        var split = catalog.Load("yale", seed: 2);
        Assert.Equal(6, split.Train.Samples + split.Test.Samples);
    }

    [Fact]
    public void MissingDataset_SaysWhereItLooked()
    {
        using var data = new TempDir();
        using var cache = new TempDir();
        var e = Assert.Throws<DataFormatException>(() => new DatasetCatalog(Isolated(data.Path, cache.Path)).Load("coil20", 1));
        Assert.Contains("not found", e.Message);
        Assert.Contains("COIL20.mat", e.Message);
        Assert.Contains(data.Path, e.Message);
        Assert.Contains(cache.Path, e.Message);
        Assert.Contains("downloads are disabled", e.Message);

        var asu = Assert.Throws<DataFormatException>(() =>
            new DatasetCatalog(Isolated(data.Path, cache.Path, download: true)).Load("isolet", 1));
        Assert.Contains("no download source", asu.Message);
    }

    [Fact]
    public void PathsUnknownNamesAndGeneratedData()
    {
        using var cache = new TempDir();
        var catalog = new DatasetCatalog(Isolated(null, cache.Path));
        var yale = catalog.Load(SharedData.PathOf("asu/Yale.mat"), seed: 1);
        Assert.Equal(165, yale.Train.Samples + yale.Test.Samples);
        Assert.Equal(10000, catalog.Load(SharedData.PathOf("mnist"), 1).Test.Samples);

        var unknown = Assert.Throws<DataFormatException>(() => catalog.Load("cifar-1000", 1));
        Assert.Contains("unknown dataset", unknown.Message);
        Assert.Contains("coil20", unknown.Message);
        Assert.Contains("not found", Assert.Throws<DataFormatException>(() => catalog.Load("/no/such/file.mat", 1)).Message);

        var synthetic = catalog.Load("synthetic", seed: 1);
        Assert.Equal(1500, synthetic.Train.Samples + synthetic.Test.Samples);
        var lung = catalog.Load("lung-reference-style", seed: 1);
        Assert.Equal([139, 17, 21, 20, 6], lung.Train.ClassCounts().Zip(lung.Test.ClassCounts(), (x, y) => x + y));
        Assert.Equal(catalog.Load("lung-reference-style", seed: 2).Train.Samples, lung.Train.Samples);
        Assert.Contains("unknown dataset", Assert.Throws<DataFormatException>(() => catalog.Load("lung-synthetic", 1)).Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task Download_FetchesIntoTheCacheAndVerifiesTheChecksum()
    {
        var coil = await File.ReadAllBytesAsync(SharedData.PathOf("COIL20.mat"));
        using var server = new LocalHttpServer(path => path == "COIL20.mat" ? coil : null);
        using var cache = new TempDir();
        var catalog = new DatasetCatalog(Isolated(null, cache.Path, download: true, server.BaseUrl));

        var split = await catalog.LoadAsync("coil20", seed: 1);
        Assert.Equal(1440, split.Train.Samples + split.Test.Samples);
        string cached = Path.Combine(cache.Path, "COIL20.mat");
        Assert.Equal(coil, await File.ReadAllBytesAsync(cached));
        Assert.Equal([cached], Directory.GetFiles(cache.Path, "*", SearchOption.AllDirectories));

        // The second load finds the cached copy and does not ask the server again.
        int requests = server.Requests;
        await catalog.LoadAsync("coil20", seed: 1);
        Assert.Equal(requests, server.Requests);
    }

    [Fact(Timeout = 60_000)]
    public async Task Download_WithWrongBytes_FailsNamingUrlAndHashes_AndLeavesNoFile()
    {
        var bytes = await File.ReadAllBytesAsync(SharedData.PathOf("COIL20.mat"));
        bytes[bytes.Length / 2] ^= 0xFF;
        using var server = new LocalHttpServer(path => path == "COIL20.mat" ? bytes : null);
        using var cache = new TempDir();
        var catalog = new DatasetCatalog(Isolated(null, cache.Path, download: true, server.BaseUrl));

        var e = await Assert.ThrowsAsync<DataFormatException>(() => catalog.LoadAsync("coil20", seed: 1));
        Assert.Contains(new Uri(server.BaseUrl, "COIL20.mat").ToString(), e.Message);
        Assert.Contains("checksum mismatch", e.Message);
        Assert.Contains("4595ebdda07f47b0eb014fcfaddc22b452f9aed9c1d9261a0d5bc336c1ee1344", e.Message);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes)), e.Message);
        Assert.Empty(Directory.GetFiles(cache.Path, "*", SearchOption.AllDirectories));
    }

    [Fact(Timeout = 60_000)]
    public async Task Download_HttpErrorIsReported()
    {
        using var server = new LocalHttpServer(_ => null);
        using var cache = new TempDir();
        var catalog = new DatasetCatalog(Isolated(null, cache.Path, download: true, server.BaseUrl));
        var e = await Assert.ThrowsAsync<DataFormatException>(() => catalog.LoadAsync("madelon", seed: 1));
        Assert.Contains("HTTP 404", e.Message);
        Assert.Contains("madelon_train.data", e.Message);
        Assert.Empty(Directory.GetFiles(cache.Path, "*", SearchOption.AllDirectories));
    }

    [Fact(Timeout = 60_000)]
    public async Task Download_AcceptsADifferentGzipOfTheSameContent()
    {
        // Official archives and the reference copies differ in gzip headers; the decompressed hash decides.
        string original = SharedData.PathOf("mnist/t10k-labels-idx1-ubyte.gz");
        var raw = new MemoryStream();
        using (var gz = new GZipStream(File.OpenRead(original), CompressionMode.Decompress)) gz.CopyTo(raw);
        var recompressed = new MemoryStream();
        using (var gz = new GZipStream(recompressed, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw.ToArray());
        Assert.NotEqual(await File.ReadAllBytesAsync(original), recompressed.ToArray());

        using var server = new LocalHttpServer(_ => recompressed.ToArray());
        using var cache = new TempDir();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var file = new CatalogFile("mnist/t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
            Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(original))),
            Convert.ToHexStringLower(SHA256.HashData(raw.ToArray())));
        string destination = Path.Combine(cache.Path, file.Path);
        await new DatasetDownloader(client, null).DownloadAsync(new Uri(server.BaseUrl, file.RemoteName), destination, file, CancellationToken.None);
        Assert.Equal(10000, IdxReader.ReadLabels(destination).Length);

        var wrong = file with { ContentSha256 = new string('0', 64) };
        await Assert.ThrowsAsync<DataFormatException>(() =>
            new DatasetDownloader(client, null).DownloadAsync(new Uri(server.BaseUrl, file.RemoteName), destination + ".2", wrong, CancellationToken.None));
        Assert.False(File.Exists(destination + ".2"));
    }
}
